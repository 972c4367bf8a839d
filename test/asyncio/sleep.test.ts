import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask, sleep } from 'weft/asyncio';
import { ArgumentTypeError, CancelledError, ValueError } from 'weft/errors';
import { rejection, since, T } from './_helpers.js';

describe('sleep', () => {
  it('waits about the given milliseconds', T, async () => {
    const t0 = performance.now();
    await sleep(30);
    assert.ok(since(t0) >= 25, `slept ${since(t0)} ms`);
  });

  it('resolves to the result option (Python sleep(delay, result))', T, async () => {
    assert.equal(await sleep(1, { result: 'done' }), 'done');
    assert.equal(await sleep(1), undefined);
  });

  it('treats a negative delay as 0 and still yields to the event loop', T, async () => {
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    await sleep(-5);
    assert.equal(ran, true);
  });

  it('rejects with the signal reason when aborted, and at once if already aborted', T, async () => {
    const ac = new AbortController();
    const p = sleep(5_000, { signal: ac.signal });
    const reason = new Error('stop');
    ac.abort(reason);
    assert.equal(await rejection(p), reason);
    assert.equal(await rejection(sleep(5_000, { signal: ac.signal })), reason);
  });

  it('is interrupted by Task.cancel without any signal passed', T, async () => {
    const task = createTask(() => sleep(5_000));
    await sleep(1);
    task.cancel('enough');
    const err = await rejection(task);
    assert.ok(err instanceof CancelledError);
    assert.equal(err.message, 'enough');
    assert.equal(task.cancelled(), true);
  });

  it('rejects bad input naming the parameter', T, () => {
    assert.throws(() => sleep('10' as never), ArgumentTypeError);
    assert.throws(() => sleep('10' as never), /ms must be a number, got string '10'/);
    assert.throws(() => sleep(Number.NaN), ValueError);
    assert.throws(() => sleep(1, { signl: undefined } as never), /did you mean 'signal'/);
    assert.throws(() => sleep(1, { signal: 'x' } as never), /signal must be an AbortSignal/);
  });
});
