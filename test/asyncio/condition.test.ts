import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Condition, createTask, Lock, Semaphore, sleep } from 'weft/asyncio';
import { ArgumentTypeError, CancelledError, RuntimeError } from 'weft/errors';
import { rejection, T, tick } from './_helpers.js';

describe('Condition', () => {
  it('wait/notify without holding the lock throw RuntimeError', T, async () => {
    const cond = new Condition();
    await assert.rejects(cond.wait(), RuntimeError);
    await assert.rejects(cond.wait(), /cannot wait on un-acquired lock/);
    assert.throws(() => cond.notify(), /cannot notify on un-acquired lock/);
    assert.throws(() => cond.notifyAll(), RuntimeError);
  });

  it('wait releases the lock while waiting and holds it again when it returns', T, async () => {
    const cond = new Condition();
    await cond.acquire();
    const waiting = cond.wait();
    assert.equal(cond.locked(), false);
    await cond.acquire();
    cond.notify();
    cond.release();
    assert.equal(await waiting, true);
    assert.equal(cond.locked(), true);
    cond.release();
  });

  it('notify(n) wakes n waiters in FIFO order; notifyAll wakes the rest', T, async () => {
    const cond = new Condition();
    const order: number[] = [];
    const waiters = [1, 2, 3, 4].map((i) =>
      createTask(async () => {
        using _ = await cond.acquire();
        await cond.wait();
        order.push(i);
      }),
    );
    while (cond.waiting < 4) await tick();
    {
      using _ = await cond.acquire();
      cond.notify(2);
    }
    while (order.length < 2) await tick();
    await tick();
    assert.deepEqual(order, [1, 2]);
    assert.equal(cond.waiting, 2);
    {
      using _ = await cond.acquire();
      cond.notifyAll();
    }
    await Promise.all(waiters);
    assert.deepEqual(order, [1, 2, 3, 4]);
  });

  it('waitFor returns the predicate value and recomputes the remaining time', T, async () => {
    const cond = new Condition();
    let n = 0;
    const producer = createTask(async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(2);
        using _ = await cond.acquire();
        n++;
        cond.notifyAll();
      }
    });
    await cond.acquire();
    const value = await cond.waitFor(() => (n >= 3 ? `n=${n}` : ''));
    assert.equal(value, 'n=3');
    assert.equal(cond.locked(), true);
    cond.release();
    await producer;
    await cond.acquire();
    const t0 = performance.now();
    assert.equal(await cond.waitFor(() => 0, { timeout: 30 }), 0);
    assert.ok(performance.now() - t0 < 1_000);
    assert.equal(cond.locked(), true);
    cond.release();
  });

  it('a timed-out wait returns false with the lock held again', T, async () => {
    const cond = new Condition();
    await cond.acquire();
    assert.equal(await cond.wait({ timeout: 5 }), false);
    assert.equal(cond.locked(), true);
    cond.release();
  });

  it('an aborted or cancelled wait rethrows after taking the lock back', T, async () => {
    const cond = new Condition();
    await cond.acquire();
    const ac = new AbortController();
    const waiting = cond.wait({ signal: ac.signal });
    ac.abort(new Error('stop'));
    assert.equal((await rejection(waiting)).message, 'stop');
    assert.equal(cond.locked(), true);
    cond.release();

    let heldAfterCancel = false;
    const task = createTask(async () => {
      await cond.acquire();
      try {
        await cond.wait();
      } finally {
        heldAfterCancel = cond.locked();
        cond.release();
      }
    });
    await tick();
    await tick();
    task.cancel();
    assert.ok((await rejection(task)) instanceof CancelledError);
    assert.equal(heldAfterCancel, true);
    assert.equal(cond.locked(), false);
  });

  it('works with a Semaphore as its lock', T, async () => {
    const cond = new Condition(new Semaphore(1));
    await cond.acquire();
    const waiting = cond.wait();
    await cond.acquire();
    cond.notify();
    cond.release();
    assert.equal(await waiting, true);
    cond.release();
    assert.equal(cond.locked(), false);
  });

  it('rejects a lock without acquire/release/locked, and bad n', T, async () => {
    assert.throws(() => new Condition({} as never), ArgumentTypeError);
    assert.throws(() => new Condition({} as never), /lock must be a lock/);
    const cond = new Condition(new Lock());
    await cond.acquire();
    assert.throws(() => cond.notify(-1), /n must be >= 0/);
    await assert.rejects(cond.waitFor(5 as never), /predicate must be a function/);
  });
});
