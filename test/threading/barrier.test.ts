import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, BrokenBarrierError, ValueError } from 'weft/errors';
import { Barrier } from 'weft/threading';
import * as tasks from '../fixtures/thread_tasks.js';
import { runScenario, within } from '../helpers.js';

const T = { timeout: 60_000 };

describe('threading.Barrier', () => {
  it('releases all parties with indices 0..parties-1 and is reusable', T, async () => {
    const b = new Barrier(3);
    assert.equal(b.parties, 3);
    for (let round = 0; round < 3; round++) {
      const idx = await within(5000, Promise.all([b.wait(), b.wait(), b.wait()]));
      assert.deepEqual([...idx].sort(), [0, 1, 2]);
    }
    assert.equal(b.nWaiting, 0);
    assert.equal(b.broken, false);
  });

  it('bad parties and options', () => {
    assert.throws(
      () => new Barrier(0),
      (e: unknown) => e instanceof ValueError && /parties must be >= 1/.test((e as Error).message),
    );
    assert.throws(() => new Barrier(2, { timout: 1 } as never), /did you mean 'timeout'/);
    assert.throws(() => new Barrier(2, { action: 5 as never }), /action must be a function/);
  });

  it('a timeout breaks it for everyone until reset', T, async () => {
    const b = new Barrier(3);
    const other = b.wait();
    await assert.rejects(b.wait({ timeout: 20 }), BrokenBarrierError);
    await assert.rejects(other, BrokenBarrierError);
    assert.equal(b.broken, true);
    await assert.rejects(b.wait(), BrokenBarrierError);
    b.reset();
    assert.equal(b.broken, false);
    assert.deepEqual((await Promise.all([b.wait(), b.wait(), b.wait()])).sort(), [0, 1, 2]);
  });

  it('abort and reset wake waiters with BrokenBarrierError', T, async () => {
    const b = new Barrier(2);
    const w = b.wait();
    b.abort();
    await assert.rejects(w, BrokenBarrierError);
    b.reset();
    const w2 = b.wait();
    b.reset();
    await assert.rejects(w2, BrokenBarrierError);
  });

  it(
    'the action runs once per round in the last arriving thread; if it throws the barrier breaks',
    T,
    async () => {
      let runs = 0;
      // an action may run in any thread, so a closure over a local is refused, naming it
      assert.throws(
        () => new Barrier(2, { action: () => runs++ }),
        (e: unknown) => e instanceof ArgumentTypeError && /'runs'/.test((e as Error).message),
      );
      const ok = new Barrier(2, { action: tasks.countBarrierAction });
      await Promise.all([ok.wait(), ok.wait()]);
      await Promise.all([ok.wait(), ok.wait()]);
      assert.equal(tasks.barrierActions.runs, 2);
      const failing = new Barrier(2, {
        action: () => {
          throw new Error('action failed');
        },
      });
      const first = failing.wait();
      await assert.rejects(failing.wait(), /action failed/);
      await assert.rejects(first, BrokenBarrierError);
      assert.equal(runs, 0);
    },
  );

  it('an aborted signal rejects with its reason and breaks the barrier', T, async () => {
    const b = new Barrier(3);
    const other = b.wait();
    const ac = new AbortController();
    const mine = b.wait({ signal: ac.signal });
    ac.abort(new Error('leaving'));
    await assert.rejects(mine, /leaving/);
    await assert.rejects(other, BrokenBarrierError);
  });

  it('4 threads through 10 000 generations stay in step', T, async () => {
    const barrier = new Barrier(4);
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const mismatches = await runScenario('barrierRounds', { barrier, counter, rounds: 5_000 }, 4);
    assert.deepEqual(mismatches, [0, 0, 0, 0]);
    assert.equal(counter[0], 5_000);
  });
});
