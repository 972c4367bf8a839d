import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, InvalidStateError, TimeoutError } from 'weft/errors';
import { Future } from 'weft/futures';

describe('Future', () => {
  it('follows the states of Python futures', async () => {
    const f = new Future<number>();
    assert.equal(f.done(), false);
    assert.equal(f.running(), false);
    assert.equal(f.setRunningOrNotifyCancel(), true);
    assert.equal(f.running(), true);
    assert.equal(f.cancel(), false);
    f.setResult(7);
    assert.equal(await f.result(), 7);
    assert.equal(await f, 7);
    assert.throws(() => f.setResult(8), InvalidStateError);
    assert.throws(() => f.setException(new Error('x')), InvalidStateError);
  });

  it('cancel before running; setRunningOrNotifyCancel then says false', async () => {
    const f = new Future();
    assert.equal(f.cancel(), true);
    assert.equal(f.cancel(), true);
    assert.equal(f.cancelled(), true);
    assert.equal(f.setRunningOrNotifyCancel(), false);
    await assert.rejects(f.result(), CancelledError);
    await assert.rejects(f.exception(), CancelledError);
  });

  it('result with timeout, zero timeout and signal', async () => {
    const f = new Future();
    await assert.rejects(f.result({ timeout: 5 }), TimeoutError);
    await assert.rejects(f.result({ timeout: 0 }), TimeoutError);
    await assert.rejects(f.result({ signal: AbortSignal.abort(new Error('stop')) }), /stop/);
    await assert.rejects(f.result({ timeout: -1 }), /timeout must be/);
    const ac = new AbortController();
    const p = f.exception({ signal: ac.signal });
    ac.abort(new Error('later'));
    await assert.rejects(p, /later/);
    f.setException(new RangeError('r'));
    assert.ok((await f.exception()) instanceof RangeError);
  });

  it('is a native promise: await, Promise.all, then, catch, finally', async () => {
    const f = new Future<string>();
    const g = new Future<string>();
    setTimeout(() => {
      f.setResult('a');
      g.setException(new Error('g'));
    }, 1);
    assert.deepEqual(await Promise.all([f]), ['a']);
    assert.equal(await f.then((x) => x + '!'), 'a!');
    assert.equal(await g.catch(() => 'caught'), 'caught');
    let finalized = false;
    await f.finally(() => (finalized = true));
    assert.ok(finalized);
    assert.ok(!(f.then(() => 1) instanceof Future), 'then derives plain promises');
    assert.ok(f instanceof Future);
  });

  it('a failed future nobody awaits is not an unhandled rejection', async () => {
    let unhandled = 0;
    const onUnhandled = () => unhandled++;
    process.on('unhandledRejection', onUnhandled);
    const f = new Future();
    f.setException(new Error('nobody looks'));
    await new Promise((r) => setTimeout(r, 10));
    process.off('unhandledRejection', onUnhandled);
    assert.equal(unhandled, 0);
  });

  it('done callbacks: order, errors become warnings, bad input', async () => {
    const f = new Future();
    const seen: number[] = [];
    f.addDoneCallback(() => seen.push(1));
    f.addDoneCallback(() => {
      throw new Error('callback failed');
    });
    f.addDoneCallback(() => seen.push(3));
    const warned = new Promise((r) => process.once('warning', r));
    f.setResult(undefined);
    assert.deepEqual(seen, [1, 3]);
    assert.match(String(await warned), /callback failed/);
    assert.throws(() => f.addDoneCallback(5 as never), /fn must be a function/);
  });
});
