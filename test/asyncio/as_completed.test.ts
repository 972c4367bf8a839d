import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asCompleted, createTask, sleep } from 'weft/asyncio';
import { ArgumentTypeError, CancelledError, TimeoutError } from 'weft/errors';
import { deferred, rejection, T, tick } from './_helpers.js';

describe('asCompleted', () => {
  it('for await yields the original awaitables in completion order', T, async () => {
    const a = deferred<string>();
    const b = deferred<string>();
    const c = deferred<string>();
    const seen: Promise<string>[] = [];
    const loop = (async () => {
      for await (const aw of asCompleted([a.promise, b.promise, c.promise])) seen.push(aw);
    })();
    b.resolve('b');
    await tick();
    c.resolve('c');
    await tick();
    a.resolve('a');
    await loop;
    assert.deepEqual(seen, [b.promise, c.promise, a.promise]);
  });

  it('the sync form gives promises of the results in completion order', T, async () => {
    const results: unknown[] = [];
    for (const next of asCompleted([sleep(30, { result: 1 }), sleep(5, { result: 2 })]))
      results.push(await next);
    assert.deepEqual(results, [2, 1]);
  });

  it('failures come out in their turn', T, async () => {
    const boom = new Error('boom');
    const failing = createTask(async () => {
      await sleep(1);
      throw boom;
    });
    const it = asCompleted([failing, sleep(20, { result: 'ok' })]);
    const first = await it.next();
    assert.equal(await rejection(first.value!), boom);
    const second = await it.next();
    assert.equal(await second.value, 'ok');
    assert.equal((await it.next()).done, true);
  });

  it('timeout (counted from the call) throws TimeoutError for the rest', T, async () => {
    const gate = deferred();
    const seen: unknown[] = [];
    const err = await rejection(
      (async () => {
        for await (const aw of asCompleted([Promise.resolve('quick'), gate.promise], {
          timeout: 20,
        }))
          seen.push(await aw);
      })(),
    );
    assert.ok(err instanceof TimeoutError);
    assert.deepEqual(seen, ['quick']);
  });

  it('break stops the timer; the iterator then ends', T, async () => {
    const it = asCompleted([Promise.resolve(1), deferred().promise], { timeout: 60_000 });
    for await (const _ of it) break;
    assert.equal((await it.next()).done, true);
  });

  it('duplicates count once; an empty input yields nothing', T, async () => {
    const p = Promise.resolve(1);
    let n = 0;
    for await (const _ of asCompleted([p, p])) n++;
    assert.equal(n, 1);
    for await (const _ of asCompleted([])) n++;
    assert.equal(n, 1);
  });

  it('a cancelled enclosing task interrupts the wait', T, async () => {
    const outer = createTask(async () => {
      for await (const _ of asCompleted([deferred().promise]));
    });
    await tick();
    outer.cancel();
    assert.ok((await rejection(outer)) instanceof CancelledError);
  });

  it('rejects bad input naming the parameter', T, () => {
    assert.throws(() => asCompleted(7 as never), ArgumentTypeError);
    assert.throws(() => asCompleted([Promise.resolve(), 1 as never]), /aws\[1\] must be/);
    assert.throws(() => asCompleted([], { timeout: -1 }), /timeout must be a non-negative/);
    assert.throws(() => asCompleted([], { timout: 1 } as never), /did you mean 'timeout'/);
  });
});
