import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeError } from 'weft/errors';
import { Condition, Lock, RLock } from 'weft/threading';
import { runScenario, within } from '../helpers.js';

const T = { timeout: 60_000 };

describe('threading.Condition', () => {
  it('wait/notify without the lock raise RuntimeError', async () => {
    const c = new Condition();
    await assert.rejects(
      c.wait(),
      (e: unknown) =>
        e instanceof RuntimeError && /cannot wait on un-acquired lock/.test((e as Error).message),
    );
    assert.throws(() => c.notify(), /cannot notify on un-acquired lock/);
    assert.throws(() => c.notifyAll(), RuntimeError);
    assert.throws(() => c.waitSync(), RuntimeError);
  });

  it('defaults to an RLock and accepts a Lock; rejects other locks', () => {
    assert.ok(new Condition().lock instanceof RLock);
    const l = new Lock();
    assert.equal(new Condition(l).lock, l);
    assert.throws(() => new Condition({} as never), /Lock or RLock/);
  });

  it('wait times out with false and holds the lock again', T, async () => {
    const c = new Condition(new Lock());
    await c.acquire();
    const t0 = performance.now();
    assert.equal(await c.wait({ timeout: 20 }), false);
    assert.ok(performance.now() - t0 >= 15);
    assert.ok(c.lock._isOwned());
    assert.equal(c.waitSync({ timeout: 5 }), false);
    assert.ok(c.lock._isOwned());
    c.release();
  });

  it('notify wakes waiters FIFO, exactly n of them', T, async () => {
    // Several async flows of one thread: a Lock (an RLock is owned by the thread, and would
    // let every flow of this thread in at once).
    const c = new Condition(new Lock());
    const order: number[] = [];
    const waiters = [0, 1, 2, 3].map(async (i) => {
      await c.acquire();
      const ok = await c.wait({ timeout: 5000 });
      order.push(i);
      c.release();
      return ok;
    });
    // let all four start waiting
    while (true) {
      await new Promise((r) => setImmediate(r));
      if (String(c).includes('waiters=4')) break;
    }
    await c.acquire();
    c.notify(2);
    c.release();
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(order, [0, 1]);
    await c.acquire();
    c.notifyAll();
    c.release();
    assert.deepEqual(await within(5000, Promise.all(waiters)), [true, true, true, true]);
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it('waitFor returns the predicate value and recomputes the timeout', T, async () => {
    const c = new Condition();
    await c.acquire();
    let n = 0;
    assert.equal(await c.waitFor(() => n, { timeout: 30 }), 0);
    setTimeout(async () => {
      await c.acquire();
      n = 7;
      c.notifyAll();
      c.release();
    }, 5);
    assert.equal(await c.waitFor(() => n, { timeout: 5000 }), 7);
    c.release();
  });

  it('an aborted wait rejects, re-acquires, and passes a notification on', T, async () => {
    const c = new Condition(new Lock());
    const ac = new AbortController();
    await c.acquire();
    const a = c.wait({ signal: ac.signal }); // releases the lock while it waits
    const b = (async () => {
      await c.acquire();
      const ok = await c.wait({ timeout: 5000 });
      c.release();
      return ok;
    })();
    while (!String(c).includes('waiters=2')) await new Promise((r) => setImmediate(r));
    await c.acquire();
    c.notify(); // goes to the first waiter, which is about to be aborted
    c.release();
    ac.abort(new Error('gone'));
    await assert.rejects(a, /gone/);
    // the aborted waiter re-acquired the lock before rejecting; release on its behalf
    c.release();
    assert.equal(await within(5000, b), true);
  });

  it('RLock held twice is released fully while waiting and restored after', T, async () => {
    const r = new RLock();
    const c = new Condition(r);
    r.acquireSync();
    r.acquireSync();
    assert.equal(c.waitSync({ timeout: 1 }), false);
    r.release();
    assert.ok(r.locked());
    r.release();
    assert.ok(!r.locked());
  });

  it('bounded buffer across threads: 200k items, none lost or duplicated', T, async () => {
    const n = 200_000;
    const cap = 64;
    const cond = new Condition(new Lock());
    const ring = new Int32Array(new SharedArrayBuffer((2 + cap) * 4));
    const seen = new Uint8Array(new SharedArrayBuffer(n));
    const [produced, consumed] = await Promise.all([
      runScenario('condProduce', { cond, ring, cap, n }),
      runScenario('condConsume', { cond, ring, cap, n, seen }),
    ]);
    assert.deepEqual(produced, [n]);
    assert.deepEqual(consumed, [[n, (n * (n - 1)) / 2]]);
    assert.equal(
      seen.every((x) => x === 1),
      true,
    );
  });
});
