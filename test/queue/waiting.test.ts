import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask, sleep } from 'weft/asyncio';
import { CancelledError } from 'weft/errors';
import { Empty, Full, Queue } from 'weft/queue';
import { within } from '../helpers.js';

const T = { timeout: 20_000 };

/** Lets pending waits register (each parks on the first turns of the event loop). */
const settle = () => sleep(15);

describe('queue: fair and exact waiting', () => {
  it('blocked getters wake FIFO: each takes the item put for its turn', T, async () => {
    const q = new Queue<number>();
    const order: string[] = [];
    const getters = ['a', 'b', 'c', 'd'].map(async (name) => {
      const n = await q.get();
      order.push(`${name}${n}`);
    });
    await settle();
    for (const n of [1, 2, 3, 4]) q.putNowait(n);
    await within(5000, Promise.all(getters));
    assert.deepEqual(order, ['a1', 'b2', 'c3', 'd4']);
  });

  it('blocked putters wake FIFO: their items keep their order', T, async () => {
    const q = new Queue<string>({ maxsize: 1 });
    q.putNowait('first');
    const putters = ['a', 'b', 'c'].map((s) => q.put(s));
    await settle();
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      got.push(await within(5000, q.get()));
      await settle();
    }
    await Promise.all(putters);
    assert.deepEqual(got, ['first', 'a', 'b', 'c']);
  });

  it(
    'a timed-out getter leaves no trace: the next item goes to the one still waiting',
    T,
    async () => {
      const q = new Queue<number>();
      const early = q.get({ timeout: 20 });
      const patient = q.get();
      await assert.rejects(early, Empty);
      q.putNowait(1);
      assert.equal(await within(5000, patient), 1);
      assert.ok(q.empty());
    },
  );

  it('an aborted getter woken at the same moment passes the item on', T, async () => {
    const q = new Queue<number>();
    const ac = new AbortController();
    const first = q.get({ signal: ac.signal });
    const second = q.get();
    await settle();
    ac.abort(new Error('gone'));
    q.putNowait(1); // the first getter was notified before it could leave
    await assert.rejects(first, /gone/);
    assert.equal(await within(5000, second), 1);
  });

  it('a timed-out putter leaves no trace: a later get lets the next putter in', T, async () => {
    const q = new Queue<string>({ maxsize: 1 });
    q.putNowait('x');
    const early = q.put('early', { timeout: 20 });
    const patient = q.put('patient');
    await assert.rejects(early, Full);
    assert.equal(q.getNowait(), 'x');
    await within(5000, patient);
    assert.equal(q.getNowait(), 'patient');
    assert.ok(q.empty());
  });

  it('a get inside a cancelled Task stops waiting, with no signal passed', T, async () => {
    const q = new Queue<number>();
    const task = createTask(() => q.get());
    await settle();
    task.cancel('enough');
    await assert.rejects(Promise.resolve(task), CancelledError);
    q.putNowait(5);
    assert.equal(q.getNowait(), 5, 'the cancelled get took nothing');
  });

  it('many waiters, some giving up: every item goes to exactly one getter', T, async () => {
    const q = new Queue<number>();
    const get = (timeout: number) =>
      q.get({ timeout }).then(
        (n) => n,
        (e: unknown) => (e instanceof Empty ? -1 : Promise.reject(e)),
      );
    const short = Array.from({ length: 14 }, () => get(5));
    const long = Array.from({ length: 26 }, () => get(10_000));
    await sleep(30);
    let next = 0;
    while (next < long.length) q.putNowait(next++);
    // A short getter whose time ran out just as an item came may take it (as in Python);
    // then a long one is still waiting, and one more item is due for each.
    const shortGot = await within(5000, Promise.all(short));
    for (const n of shortGot) if (n >= 0) q.putNowait(next++);
    const longGot = await within(5000, Promise.all(long));
    assert.ok(
      longGot.every((n) => n >= 0),
      'every patient getter got an item',
    );
    const taken = [...shortGot, ...longGot].filter((n) => n >= 0).sort((a, b) => a - b);
    assert.deepEqual(
      taken,
      Array.from({ length: next }, (_, i) => i),
      'each item went to exactly one getter',
    );
    assert.ok(q.empty());
  });
});
