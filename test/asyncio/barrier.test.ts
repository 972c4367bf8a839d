import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Barrier, createTask, gather } from 'weft/asyncio';
import { BrokenBarrierError, CancelledError, ValueError } from 'weft/errors';
import { rejection, T, tick } from './_helpers.js';

describe('Barrier', () => {
  it('releases all parties together; wait returns arrival indices 0..parties-1', T, async () => {
    const b = new Barrier(3);
    assert.equal(b.parties, 3);
    const first = b.wait();
    const second = b.wait();
    await tick();
    assert.equal(b.nWaiting, 2);
    const third = b.wait();
    assert.deepEqual(await gather(first, second, third), [0, 1, 2]);
    assert.equal(b.nWaiting, 0);
  });

  it('is reusable round after round', T, async () => {
    const b = new Barrier(2);
    for (let round = 0; round < 3; round++)
      assert.deepEqual((await gather(b.wait(), b.wait())).sort(), [0, 1]);
    assert.equal(new Barrier(1).parties, 1);
    assert.equal(await new Barrier(1).wait(), 0);
  });

  it('parties < 1 is a ValueError naming the parameter', T, () => {
    assert.throws(() => new Barrier(0), ValueError);
    assert.throws(() => new Barrier(0), /parties must be >= 1, got 0/);
  });

  it('abort breaks it for waiters and later callers until reset', T, async () => {
    const b = new Barrier(2);
    const waiting = b.wait();
    await tick();
    b.abort();
    assert.equal(b.broken, true);
    assert.ok((await rejection(waiting)) instanceof BrokenBarrierError);
    assert.ok((await rejection(b.wait())) instanceof BrokenBarrierError);
    b.reset();
    assert.equal(b.broken, false);
    assert.deepEqual(await gather(b.wait(), b.wait()), [0, 1]);
  });

  it('reset releases current waiters with BrokenBarrierError and stays usable', T, async () => {
    const b = new Barrier(3);
    const waiting = b.wait();
    await tick();
    b.reset();
    assert.ok((await rejection(waiting)) instanceof BrokenBarrierError);
    assert.equal(b.broken, false);
    assert.equal(b.nWaiting, 0);
  });

  it('a timeout breaks the barrier for everyone', T, async () => {
    const b = new Barrier(3);
    const patient = b.wait();
    const impatient = b.wait({ timeout: 5 });
    assert.ok((await rejection(impatient)) instanceof BrokenBarrierError);
    assert.ok((await rejection(patient)) instanceof BrokenBarrierError);
    assert.equal(b.broken, true);
  });

  it('an aborted or cancelled waiter just leaves; the barrier is not broken', T, async () => {
    const b = new Barrier(2);
    const ac = new AbortController();
    const leaving = b.wait({ signal: ac.signal });
    ac.abort(new Error('leave'));
    assert.equal((await rejection(leaving)).message, 'leave');
    const task = createTask(() => b.wait());
    await tick();
    task.cancel();
    assert.ok((await rejection(task)) instanceof CancelledError);
    assert.equal(b.broken, false);
    assert.equal(b.nWaiting, 0);
    assert.deepEqual(await gather(b.wait(), b.wait()), [0, 1]);
  });
});
