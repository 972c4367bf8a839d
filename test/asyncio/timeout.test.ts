import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask, Lock, sleep, Timeout, timeout, timeoutAt } from 'weft/asyncio';
import { CancelledError, RuntimeError, TimeoutError, ValueError } from 'weft/errors';
import { rejection, since, T, tick } from './_helpers.js';

describe('timeout(ms, fn)', () => {
  it('returns the result of work that finishes in time', T, async () => {
    assert.equal(await timeout(1_000, async () => sleep(5, { result: 'ok' })), 'ok');
    assert.equal(await timeout(undefined, () => 'sync'), 'sync');
  });

  it(
    'cancels the work inside at the deadline (no signal needed) and rejects TimeoutError',
    T,
    async () => {
      const lock = new Lock();
      await lock.acquire();
      const t0 = performance.now();
      const err = await rejection(
        timeout(20, async () => {
          await lock.acquire(); // held elsewhere: only the deadline can end this wait
        }),
      );
      assert.ok(err instanceof TimeoutError);
      assert.ok(since(t0) < 1_000);
      assert.equal(lock.waiting, 0, 'the timed-out waiter left the queue');
      lock.release();
      assert.equal(lock.locked(), false);
    },
  );

  it('passes the scope signal to fn; it aborts with a TimeoutError', T, async () => {
    let seen: AbortSignal | undefined;
    await rejection(
      timeout(10, (signal) => {
        seen = signal;
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      }),
    );
    assert.ok(seen?.reason instanceof TimeoutError);
  });

  it('work that swallows the cancellation returns its value (as Python)', T, async () => {
    const value = await timeout(10, async () => {
      try {
        await sleep(5_000);
      } catch {
        return 'swallowed';
      }
    });
    assert.equal(value, 'swallowed');
  });

  it(
    'nested scopes: the inner, shorter one fires; an outer one fires through the inner',
    T,
    async () => {
      const inner = await rejection(timeout(5_000, () => timeout(10, () => sleep(5_000))));
      assert.ok(inner instanceof TimeoutError);
      const outer = await rejection(timeout(10, () => timeout(5_000, () => sleep(5_000))));
      assert.ok(outer instanceof TimeoutError);
    },
  );

  it('a cancelled enclosing task propagates CancelledError, not TimeoutError', T, async () => {
    const task = createTask(() => timeout(5_000, () => sleep(5_000)));
    await tick();
    task.cancel('outer');
    const err = await rejection(task);
    assert.ok(err instanceof CancelledError);
    assert.equal(err.message, 'outer');
  });

  it('rejects bad input naming the parameter', T, () => {
    assert.throws(() => timeout(-1, () => 1), ValueError);
    assert.throws(() => timeout(-1, () => 1), /ms must be a non-negative/);
    assert.throws(() => timeout(10, 5 as never), /fn must be a function/);
    assert.throws(() => timeoutAt('soon' as never), /when must be a number/);
  });
});

describe('Timeout object', () => {
  it(
    'when(), reschedule(), expired() and using: the timer is cleared at scope exit',
    T,
    async () => {
      let t: Timeout;
      {
        using scope = timeout(50);
        t = scope;
        const when = scope.when()!;
        assert.ok(Math.abs(when - (performance.now() + 50)) < 20);
        scope.reschedule(performance.now() + 5_000);
        await sleep(5, { signal: scope.signal });
        assert.equal(scope.expired(), false);
      }
      assert.throws(() => t.reschedule(1), /Timeout has finished/);
      assert.equal(t.signal.aborted, false);
    },
  );

  it(
    'the signal aborts with TimeoutError at the deadline; reschedule after expiry throws',
    T,
    async () => {
      using scope = timeout(10);
      const err = await rejection(sleep(5_000, { signal: scope.signal }));
      assert.ok(err instanceof TimeoutError);
      assert.equal(scope.expired(), true);
      assert.throws(() => scope.reschedule(undefined), RuntimeError);
    },
  );

  it(
    'reschedule(undefined) removes the deadline; timeoutAt takes an absolute deadline',
    T,
    async () => {
      const scope = new Timeout(performance.now() + 10);
      scope.reschedule(undefined);
      assert.equal(scope.when(), undefined);
      await sleep(20);
      assert.equal(scope.expired(), false);
      scope[Symbol.dispose]();
      const err = await rejection(timeoutAt(performance.now() + 10, () => sleep(5_000)));
      assert.ok(err instanceof TimeoutError);
    },
  );

  it('run() is once only', T, async () => {
    const scope = timeout(1_000);
    await scope.run(() => 1);
    await assert.rejects(
      scope.run(() => 2),
      /already been entered/,
    );
  });
});
