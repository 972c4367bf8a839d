import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask, gather, sleep, type Task } from 'weft/asyncio';
import { ArgumentTypeError, CancelledError } from 'weft/errors';
import { deferred, rejection, state, T, tick } from './_helpers.js';

describe('gather', () => {
  it('runs concurrently and returns results in input order', T, async () => {
    const order: string[] = [];
    const slow = sleep(30, { result: 'slow' }).then((v) => {
      order.push(v);
      return v;
    });
    const fast = createTask(async () => {
      await sleep(5);
      order.push('fast');
      return 'fast';
    });
    const results: [string, string, number] = await gather(slow, fast, Promise.resolve(3));
    assert.deepEqual(results, ['slow', 'fast', 3]);
    assert.deepEqual(order, ['fast', 'slow']);
  });

  it('resolves to [] with no awaitables', T, async () => {
    assert.deepEqual(await gather(), []);
  });

  it('rejects with the first failure; the others keep running', T, async () => {
    const boom = new Error('boom');
    const gate = deferred<string>();
    const other = createTask(() => gate.promise);
    const err = await rejection(gather(Promise.reject(boom), other));
    assert.equal(err, boom);
    assert.equal(other.done(), false);
    gate.resolve('finished');
    assert.equal(await other, 'finished');
  });

  it('later failures after the first do not surface as unhandled rejections', T, async () => {
    const a = deferred();
    const b = deferred();
    const g = gather(a.promise, b.promise);
    a.reject(new Error('first'));
    b.reject(new Error('second'));
    assert.equal((await rejection(g)).message, 'first');
    await tick();
  });

  it('with returnExceptions, failures (cancellations too) take their places', T, async () => {
    const boom = new Error('boom');
    const cancelled = createTask(() => sleep(5_000));
    cancelled.cancel('no');
    const results = await gather(Promise.reject(boom), Promise.resolve(1), cancelled, {
      returnExceptions: true,
    });
    assert.equal(results[0], boom);
    assert.equal(results[1], 1);
    assert.ok(results[2] instanceof CancelledError);
  });

  it(
    'recognises the trailing options object only when it is a plain non-thenable object',
    T,
    async () => {
      assert.deepEqual(await gather(Promise.resolve(1), { returnExceptions: false }), [1]);
      assert.throws(
        () => gather(Promise.resolve(1), { returnException: true } as never),
        /unknown option 'returnException' \(did you mean 'returnExceptions'\?\)/,
      );
      assert.throws(
        () => gather(Promise.resolve(1), { returnExceptions: 'yes' } as never),
        /returnExceptions must be a boolean/,
      );
    },
  );

  it('rejects a non-awaitable, naming its position', T, () => {
    assert.throws(() => gather(Promise.resolve(1), 2 as never), ArgumentTypeError);
    assert.throws(() => gather(Promise.resolve(1), 2 as never), /aws\[1\] must be a Promise/);
  });

  it('cancelled from an enclosing task: cancels its child tasks, then rejects', T, async () => {
    const children: Task<void>[] = [];
    const outer = createTask(async () => {
      children.push(
        createTask(() => sleep(5_000)),
        createTask(() => sleep(5_000)),
      );
      await gather(...children, sleep(5_000));
    });
    await tick();
    await tick();
    outer.cancel('outer');
    const err = await rejection(outer);
    assert.ok(err instanceof CancelledError);
    assert.equal(err.message, 'outer');
    assert.equal(children.length, 2);
    for (const child of children) assert.equal(child.cancelled(), true);
  });

  it('does not leave its promise pending after every child settled', T, async () => {
    const a = deferred<number>();
    const g = gather(a.promise);
    assert.equal(await state(g), 'pending');
    a.resolve(1);
    assert.equal(await state(g), 'fulfilled');
  });
});
