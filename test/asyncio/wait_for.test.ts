import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask, shield, sleep, waitFor } from 'weft/asyncio';
import { ArgumentTypeError, CancelledError, TimeoutError, ValueError } from 'weft/errors';
import { deferred, rejection, T, tick } from './_helpers.js';

describe('waitFor', () => {
  it('resolves with the result when in time; no timeout waits forever', T, async () => {
    assert.equal(await waitFor(sleep(5, { result: 'x' }), 1_000), 'x');
    assert.equal(await waitFor(sleep(5, { result: 'y' }), undefined), 'y');
    assert.equal(await waitFor(sleep(5, { result: 'z' }), null), 'z');
  });

  it('a Task is cancelled at the deadline and waited for, then TimeoutError', T, async () => {
    let cleanedUp = false;
    const task = createTask(async () => {
      try {
        await sleep(5_000);
      } finally {
        await Promise.resolve();
        cleanedUp = true;
      }
    });
    const err = await rejection(waitFor(task, 20));
    assert.ok(err instanceof TimeoutError);
    assert.equal(task.cancelled(), true);
    assert.equal(cleanedUp, true, 'waitFor returned before the task finished');
  });

  it('a function gets a signal aborted at the deadline and runs in a cancel scope', T, async () => {
    let seen: AbortSignal | undefined;
    const err = await rejection(
      waitFor(async (signal) => {
        seen = signal;
        await sleep(5_000); // no signal passed: the scope stops it
      }, 20),
    );
    assert.ok(err instanceof TimeoutError);
    assert.equal(seen?.aborted, true);
    assert.ok(seen?.reason instanceof TimeoutError);
  });

  it('a plain promise cannot be stopped: the call rejects at the deadline', T, async () => {
    const gate = deferred<number>();
    assert.ok((await rejection(waitFor(gate.promise, 10))) instanceof TimeoutError);
    gate.resolve(1);
  });

  it('shield(task): the wait times out, the task goes on', T, async () => {
    const task = createTask(() => sleep(30, { result: 'saved' }));
    assert.ok((await rejection(waitFor(shield(task), 5))) instanceof TimeoutError);
    assert.equal(task.cancelled(), false);
    assert.equal(await task, 'saved');
  });

  it('an enclosing cancellation is not turned into TimeoutError', T, async () => {
    const outer = createTask(() => waitFor(sleep(5_000), 5_000));
    await tick();
    outer.cancel('outer');
    const err = await rejection(outer);
    assert.ok(err instanceof CancelledError, String(err));
  });

  it('rejects bad input naming the parameter', T, () => {
    assert.throws(() => waitFor(Promise.resolve(1), -1), ValueError);
    assert.throws(() => waitFor(Promise.resolve(1), -1), /ms must be a non-negative/);
    assert.throws(() => waitFor(3 as never, 10), ArgumentTypeError);
    assert.throws(() => waitFor(3 as never, 10), /aw must be a PromiseLike/);
  });
});

describe('shield', () => {
  it(
    'a cancelled enclosing task stops waiting; the shielded work is not cancelled',
    T,
    async () => {
      const inner = createTask(() => sleep(300, { result: 'inner' }));
      const outer = createTask(() => shield(inner));
      await tick();
      outer.cancel();
      assert.ok((await rejection(outer)) instanceof CancelledError);
      assert.equal(await inner, 'inner');
    },
  );

  it('settles like the awaitable otherwise', T, async () => {
    assert.equal(await shield(Promise.resolve(5)), 5);
    const boom = new Error('boom');
    assert.equal(await rejection(shield(Promise.reject(boom))), boom);
    assert.throws(() => shield(5 as never), /aw must be a Promise/);
  });
});
