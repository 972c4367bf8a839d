import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALL_COMPLETED,
  createTask,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  sleep,
  wait,
} from 'weft/asyncio';
import { ArgumentTypeError, CancelledError, ValueError } from 'weft/errors';
import { deferred, rejection, T, tick } from './_helpers.js';

describe('wait', () => {
  it('ALL_COMPLETED (default): every awaitable done, the very objects passed in', T, async () => {
    const a = createTask(() => sleep(5, { result: 1 }));
    const b = Promise.reject(new Error('b'));
    const { done, pending } = await wait([a, b]);
    assert.deepEqual([...done].sort(), [a, b].sort());
    assert.ok(done.has(a) && done.has(b));
    assert.equal(pending.size, 0);
    assert.equal(ALL_COMPLETED, 'ALL_COMPLETED');
  });

  it('FIRST_COMPLETED returns on the first to settle and cancels nothing', T, async () => {
    const fast = createTask(() => sleep(5));
    const slow = createTask(() => sleep(5_000));
    const { done, pending } = await wait([fast, slow], { returnWhen: FIRST_COMPLETED });
    assert.ok(done.has(fast));
    assert.ok(pending.has(slow));
    assert.equal(slow.done(), false);
    slow.cancel();
  });

  it('FIRST_EXCEPTION returns on the first failure, or when all are done', T, async () => {
    const ok = deferred();
    const bad = createTask(async () => {
      await sleep(5);
      throw new Error('bad');
    });
    const first = await wait([ok.promise, bad], { returnWhen: FIRST_EXCEPTION });
    assert.ok(first.done.has(bad));
    assert.ok(first.pending.has(ok.promise));
    assert.equal((bad.exception() as Error).message, 'bad');
    ok.resolve();
    const all = await wait([Promise.resolve(1), Promise.resolve(2)], {
      returnWhen: FIRST_EXCEPTION,
    });
    assert.equal(all.done.size, 2);
  });

  it('a timeout returns what is done so far, without an error', T, async () => {
    const gate = deferred();
    const { done, pending } = await wait([gate.promise, Promise.resolve(1)], { timeout: 20 });
    assert.equal(done.size, 1);
    assert.ok(pending.has(gate.promise));
  });

  it('the returned sets do not change when pending ones settle later', T, async () => {
    const gate = deferred();
    const { done, pending } = await wait([gate.promise], { timeout: 5 });
    gate.resolve();
    await tick();
    assert.equal(done.size, 0);
    assert.equal(pending.size, 1);
  });

  it(
    'an aborted signal rejects; a cancelled enclosing task rejects with CancelledError',
    T,
    async () => {
      const ac = new AbortController();
      const p = wait([deferred().promise], { signal: ac.signal });
      ac.abort(new Error('stop'));
      assert.equal((await rejection(p)).message, 'stop');
      const outer = createTask(() => wait([deferred().promise]));
      await tick();
      outer.cancel();
      assert.ok((await rejection(outer)) instanceof CancelledError);
    },
  );

  it('rejects bad input naming the parameter', T, async () => {
    await assert.rejects(wait([]), ValueError);
    await assert.rejects(wait([]), /aws must be a non-empty iterable/);
    await assert.rejects(wait(5 as never), ArgumentTypeError);
    await assert.rejects(wait([1 as never]), /aws\[0\] must be a Promise/);
    await assert.rejects(
      wait([Promise.resolve()], { returnWhen: 'FIRST' as never }),
      /returnWhen must be one of FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED/,
    );
    await assert.rejects(wait([Promise.resolve()], { timeout: -1 }), ValueError);
  });
});
