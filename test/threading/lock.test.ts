import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, DeadlockError, RuntimeError, ValueError } from 'weft/errors';
import { Event, Lock, RLock } from 'weft/threading';
import { runScenario, startScenario, within } from '../helpers.js';

const T = { timeout: 30_000 };

describe('threading.Lock', () => {
  it('acquire/release on one thread, locked(), Python errors', async () => {
    const lock = new Lock();
    assert.equal(lock.locked(), false);
    const held = await lock.acquire();
    assert.ok(held);
    assert.equal(lock.locked(), true);
    assert.equal(await lock.acquire({ timeout: 0 }), false);
    assert.equal(lock.acquireSync({ timeout: 0 }), false);
    held.release();
    assert.equal(lock.locked(), false);
    assert.throws(
      () => lock.release(),
      (e: unknown) =>
        e instanceof RuntimeError && /release unlocked lock/.test((e as Error).message),
    );
  });

  it('using releases at scope exit', async () => {
    const lock = new Lock();
    {
      using _ = await lock.acquire();
      assert.ok(lock.locked());
    }
    assert.ok(!lock.locked());
    {
      using _ = lock.acquireSync();
      assert.ok(lock.locked());
    }
    assert.ok(!lock.locked());
  });

  it('bad options name the parameter', async () => {
    const lock = new Lock();
    await assert.rejects(
      async () => lock.acquire({ timeout: -1 }),
      (e: unknown) => e instanceof ValueError && /timeout/.test((e as Error).message),
    );
    assert.throws(() => lock.acquireSync({ timeout: 'x' as never }), ArgumentTypeError);
    assert.throws(() => lock.acquireSync({ tiemout: 5 } as never), /did you mean 'timeout'/);
    assert.throws(() => lock.acquireSync({ signal: {} as never }), /signal must be an AbortSignal/);
    assert.ok(!lock.locked(), 'a rejected call must not take the lock');
  });

  it('async acquire times out with false and leaves no waiter behind', T, async () => {
    const lock = new Lock();
    lock.acquireSync();
    const t0 = performance.now();
    assert.equal(await lock.acquire({ timeout: 30 }), false);
    assert.ok(performance.now() - t0 >= 25);
    lock.release();
    assert.ok(!lock.locked());
    assert.ok(await lock.acquire({ timeout: 0 }));
    lock.release();
  });

  it('an aborted async acquire rejects with the reason and does not take the lock', T, async () => {
    const lock = new Lock();
    lock.acquireSync();
    const ac = new AbortController();
    const p = lock.acquire({ signal: ac.signal });
    ac.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
    lock.release();
    assert.ok(!lock.locked());
    // a pre-aborted signal rejects at once when the lock is contended
    lock.acquireSync();
    await assert.rejects(lock.acquire({ signal: AbortSignal.abort(new Error('pre')) }), /pre/);
    lock.release();
  });

  it('an abandoned async waiter never swallows the wakeup meant for the next one', T, async () => {
    const lock = new Lock();
    lock.acquireSync();
    const ac = new AbortController();
    const first = lock.acquire({ signal: ac.signal });
    const second = lock.acquire();
    ac.abort();
    await assert.rejects(first);
    lock.release();
    const held = await within(2000, second, 'second waiter');
    assert.ok(held);
    held.release();
  });

  it(
    'main thread waits asynchronously for a worker to release (the event loop stays free)',
    T,
    async () => {
      const lock = new Lock();
      const held = new Event();
      const never = new Event();
      const { worker } = startScenario('holdAndHang', { lock, held, never });
      assert.ok(await held.wait({ timeout: 10_000 }));
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 1);
      const waiting = lock.acquire();
      await new Promise((r) => setTimeout(r, 30));
      await worker.terminate();
      const r = await within(5000, waiting, 'acquire after holder died');
      clearInterval(ticker);
      assert.ok(ticks > 5, 'event loop kept running while waiting');
      assert.equal(r.ownerDied, true);
      r.release();
    },
  );

  it('4 threads x 250k increments under the lock are exact (blocking form)', T, async () => {
    const lock = new Lock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    await runScenario('lockIncrement', { lock, counter, n: 250_000 }, 4);
    assert.equal(counter[0], 1_000_000);
    assert.ok(!lock.locked());
  });

  it('2 threads x 20k increments under the lock are exact (async form)', T, async () => {
    const lock = new Lock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    await runScenario('lockIncrementAsync', { lock, counter, n: 20_000 }, 2);
    assert.equal(counter[0], 40_000);
  });

  it('a lock whose holder is terminated is taken over with ownerDied', T, async () => {
    const lock = new Lock();
    const held = new Event();
    const never = new Event();
    const { worker } = startScenario('holdAndHang', { lock, held, never });
    assert.ok(await held.wait({ timeout: 10_000 }));
    await worker.terminate();
    const r = await within(5000, lock.acquire(), 'takeover');
    assert.equal(r.ownerDied, true);
    r.release();
    const again = await lock.acquire();
    assert.equal(again.ownerDied, false);
    again.release();
  });

  it(
    'S09: two threads taking two locks in opposite orders end with DeadlockError, not a hang',
    T,
    async () => {
      const a = new Lock();
      const b = new Lock();
      const ready = new Int32Array(new SharedArrayBuffer(4));
      const one = startScenario('lockPair', { first: a, second: b, ready, parties: 2 });
      const two = startScenario('lockPair', { first: b, second: a, ready, parties: 2 });
      try {
        const results = await within(
          10_000,
          Promise.all([one.result, two.result]),
          'deadlock report',
        );
        const reports = results.filter((r: string) => r.startsWith('deadlock'));
        assert.equal(reports.length, 1, `exactly one thread reports: ${results}`);
        assert.match(reports[0], /waits for lock #\d+ held by .*waits for lock #\d+ held by/);
        assert.ok(results.includes('acquired'), 'the other thread gets both locks');
      } finally {
        await one.worker.terminate();
        await two.worker.terminate();
      }
      assert.ok(DeadlockError);
    },
  );
});

describe('threading.RLock', () => {
  it('is reentrant for its holder and owned', async () => {
    const r = new RLock();
    r.acquireSync();
    r.acquireSync();
    assert.ok(r._isOwned());
    r.release();
    assert.ok(r.locked());
    r.release();
    assert.ok(!r.locked());
    assert.throws(
      () => r.release(),
      (e: unknown) =>
        e instanceof RuntimeError && /cannot release un-acquired lock/.test((e as Error).message),
    );
  });

  it('another thread cannot release it, and nested increments are exact', T, async () => {
    const lock = new RLock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    await runScenario('rlockIncrement', { lock, counter, n: 50_000 }, 3);
    assert.equal(counter[0], 150_000);
    const held = new Event();
    const never = new Event();
    const { worker } = startScenario('holdAndHang', { lock, held, never });
    assert.ok(await held.wait({ timeout: 10_000 }));
    assert.throws(() => lock.release(), RuntimeError);
    assert.equal(await lock.acquire({ timeout: 20 }), false);
    await worker.terminate();
    const r = await within(5000, lock.acquire(), 'rlock takeover');
    assert.equal(r.ownerDied, true);
    r.release();
    assert.ok(!lock.locked());
  });
});
