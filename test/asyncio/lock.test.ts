import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask, Lock } from 'weft/asyncio';
import { ArgumentTypeError, CancelledError, RuntimeError, ValueError } from 'weft/errors';
import { rejection, state, T, tick } from './_helpers.js';

/** A held lock with two waiters queued behind it: the first abortable, the second plain. */
async function heldWithTwoWaiters() {
  const lock = new Lock();
  await lock.acquire();
  const ac = new AbortController();
  const first = lock.acquire({ signal: ac.signal });
  const second = lock.acquire();
  await tick();
  return { lock, ac, first, second };
}

describe('Lock', () => {
  it('acquire resolves to a truthy releaser; release unlocks', T, async () => {
    const lock = new Lock();
    assert.equal(lock.locked(), false);
    const held = await lock.acquire();
    assert.ok(held);
    assert.equal(lock.locked(), true);
    held.release();
    assert.equal(lock.locked(), false);
  });

  it('using releases at scope exit', T, async () => {
    const lock = new Lock();
    {
      using _ = await lock.acquire();
      assert.equal(lock.locked(), true);
    }
    assert.equal(lock.locked(), false);
  });

  it('the uncontended acquire returns one cached promise (no allocation)', T, async () => {
    const lock = new Lock();
    const a = lock.acquire();
    lock.release();
    const b = lock.acquire();
    assert.equal(a, b);
    (await b).release();
  });

  it('release of an unlocked lock throws RuntimeError', T, () => {
    assert.throws(() => new Lock().release(), RuntimeError);
    assert.throws(() => new Lock().release(), /release unlocked lock/);
  });

  it('is FIFO: a newcomer never overtakes a waiter; handoff is direct', T, async () => {
    const lock = new Lock();
    const order: number[] = [];
    await lock.acquire();
    const waiters = [1, 2, 3].map((i) =>
      lock.acquire().then((held) => {
        order.push(i);
        held.release();
      }),
    );
    await tick();
    lock.release();
    assert.equal(lock.locked(), true, 'handed to the first waiter, never free in between');
    const newcomer = lock.acquire().then((held) => {
      order.push(4);
      held.release();
    });
    await Promise.all([...waiters, newcomer]);
    assert.deepEqual(order, [1, 2, 3, 4]);
    assert.equal(lock.locked(), false);
  });

  it('a timeout resolves false, leaves the queue, and never keeps locked() wrong', T, async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    assert.equal(await lock.acquire({ timeout: 10 }), false);
    assert.equal(await lock.acquire({ timeout: 0 }), false);
    assert.equal(lock.waiting, 0);
    held.release();
    assert.equal(lock.locked(), false);
    const again = await lock.acquire({ timeout: 10 });
    assert.ok(again);
    again.release();
  });

  it('an aborted signal rejects with its reason and removes only that waiter', T, async () => {
    const { lock, ac, first: aborted, second: next } = await heldWithTwoWaiters();
    assert.equal(lock.waiting, 2);
    ac.abort(new Error('gave up'));
    assert.equal((await rejection(aborted)).message, 'gave up');
    assert.equal(lock.waiting, 1);
    lock.release();
    const held = await next; // the wakeup went to the remaining waiter
    held.release();
    assert.equal(lock.locked(), false);
    await assert.rejects(lock.acquire({ signal: ac.signal }), /gave up/);
  });

  it(
    'a waiter aborted in the same tick it is granted keeps the lock (no lost wakeup)',
    T,
    async () => {
      const { lock, ac, first: waiter, second } = await heldWithTwoWaiters();
      lock.release(); // granted to `waiter` now
      ac.abort(); // too late: it already holds the lock
      const held = await waiter;
      assert.ok(held);
      assert.equal(lock.locked(), true);
      held.release(); // and the next one gets it
      (await second).release();
      assert.equal(lock.locked(), false);
    },
  );

  it('a waiter aborted just before the release passes the lock on', T, async () => {
    const { lock, ac, first: waiter, second } = await heldWithTwoWaiters();
    ac.abort();
    lock.release();
    await rejection(waiter);
    (await second).release();
    assert.equal(lock.locked(), false);
  });

  it('a task cancelled while waiting leaves the queue', T, async () => {
    const lock = new Lock();
    await lock.acquire();
    const task = createTask(() => lock.acquire());
    await tick();
    assert.equal(lock.waiting, 1);
    task.cancel();
    assert.ok((await rejection(task)) instanceof CancelledError);
    assert.equal(lock.waiting, 0);
    lock.release();
    assert.equal(lock.locked(), false);
    assert.equal(await state(lock.acquire()), 'fulfilled');
  });

  it('rejects bad options naming the parameter', T, () => {
    const lock = new Lock();
    assert.throws(() => lock.acquire({ timeout: -1 }), ValueError);
    assert.throws(() => lock.acquire({ timeout: -1 }), /timeout must be a non-negative/);
    assert.throws(() => lock.acquire({ timeout: 'x' } as never), ArgumentTypeError);
    assert.throws(() => lock.acquire({ timeuot: 1 } as never), /did you mean 'timeout'/);
  });
});
