import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask, LifoQueue, PriorityQueue, Queue } from 'weft/asyncio';
import { ArgumentTypeError, CancelledError, Empty, Full, ShutDown, ValueError } from 'weft/errors';
import { rejection, state, T, tick } from './_helpers.js';

describe('Queue', () => {
  it('is FIFO; qsize, empty, full and maxsize', T, async () => {
    const q = new Queue<number>({ maxsize: 2 });
    assert.equal(q.maxsize, 2);
    assert.equal(q.empty(), true);
    await q.put(1);
    q.putNowait(2);
    assert.equal(q.qsize(), 2);
    assert.equal(q.full(), true);
    assert.equal(await q.get(), 1);
    assert.equal(q.getNowait(), 2);
    assert.equal(q.empty(), true);
    const unbounded = new Queue();
    assert.equal(unbounded.maxsize, 0);
    for (let i = 0; i < 1000; i++) unbounded.putNowait(i);
    assert.equal(unbounded.full(), false);
    assert.equal(new Queue({ maxsize: -1 }).full(), false);
  });

  it('get waits for a put, handed over directly, getters in FIFO order', T, async () => {
    const q = new Queue<string>();
    const a = q.get();
    const b = q.get();
    await tick();
    q.putNowait('x');
    q.putNowait('y');
    assert.deepEqual(await Promise.all([a, b]), ['x', 'y']);
    assert.equal(q.qsize(), 0);
  });

  it('put waits while full, putters in FIFO order, and no newcomer overtakes them', T, async () => {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(0);
    const p1 = q.put(1);
    const p2 = q.put(2);
    await tick();
    assert.equal(await state(p1), 'pending');
    assert.equal(q.getNowait(), 0);
    assert.throws(() => q.putNowait(9), Full, 'the room went to the waiting putter');
    assert.equal(await state(p1), 'fulfilled');
    assert.equal(await q.get(), 1);
    assert.equal(await q.get(), 2);
    await p2;
  });

  it('Nowait variants and timeouts raise Empty and Full', T, async () => {
    const q = new Queue<number>({ maxsize: 1 });
    assert.throws(() => q.getNowait(), Empty);
    assert.ok((await rejection(q.get({ timeout: 5 }))) instanceof Empty);
    assert.ok((await rejection(q.get({ timeout: 0 }))) instanceof Empty);
    q.putNowait(1);
    assert.throws(() => q.putNowait(2), Full);
    assert.ok((await rejection(q.put(2, { timeout: 5 }))) instanceof Full);
    assert.equal(q.qsize(), 1);
    assert.equal(q.getNowait(), 1, 'the timed-out put left nothing behind');
    assert.throws(() => q.getNowait(), Empty);
  });

  it('an aborted get leaves the queue and never swallows an item', T, async () => {
    const q = new Queue<number>();
    const ac = new AbortController();
    const aborted = q.get({ signal: ac.signal });
    const next = q.get();
    ac.abort(new Error('no'));
    assert.equal((await rejection(aborted)).message, 'no');
    q.putNowait(7);
    assert.equal(await next, 7);
    assert.equal(q.qsize(), 0);
  });

  it('a getter aborted in the same tick it is handed an item keeps the item', T, async () => {
    const q = new Queue<number>();
    const ac = new AbortController();
    const getter = q.get({ signal: ac.signal });
    await tick();
    q.putNowait(1); // handed straight to the getter
    ac.abort(); // too late
    assert.equal(await getter, 1);
    assert.equal(q.qsize(), 0);
  });

  it('a putter that times out while another get frees room leaves nothing behind', T, async () => {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(0);
    const timedOut = q.put(1, { timeout: 5 });
    const waiting = q.put(2);
    assert.ok((await rejection(timedOut)) instanceof Full);
    assert.equal(q.getNowait(), 0);
    await waiting;
    assert.equal(q.getNowait(), 2, 'the room went to the putter still waiting');
    assert.equal(q.qsize(), 0);
  });

  it('taskDone and join; taskDone too often is a ValueError', T, async () => {
    const q = new Queue<number>();
    assert.throws(() => q.taskDone(), ValueError);
    assert.throws(() => q.taskDone(), /taskDone\(\) called too many times/);
    assert.equal(await q.join(), true);
    q.putNowait(1);
    q.putNowait(2);
    const joined = q.join();
    assert.equal(await q.join({ timeout: 5 }), false);
    await q.get();
    q.taskDone();
    assert.equal(await state(joined), 'pending');
    await q.get();
    q.taskDone();
    assert.equal(await joined, true);
  });

  it('negative timeouts and bad options are rejected, naming the parameter', T, () => {
    const q = new Queue();
    assert.throws(() => q.get({ timeout: -1 }), ValueError);
    assert.throws(() => q.put(1, { timeout: -1 }), /timeout must be a non-negative/);
    assert.throws(() => new Queue({ maxsize: 1.5 }), /maxsize must be an integer/);
    assert.throws(() => new Queue({ maxsize: '1' } as never), ArgumentTypeError);
    assert.throws(() => new Queue({ maxSize: 1 } as never), /did you mean 'maxsize'/);
    assert.throws(() => q.shutdown({ immediate: 1 } as never), /immediate must be a boolean/);
  });

  it('a task cancelled in get leaves the queue', T, async () => {
    const q = new Queue<number>();
    const task = createTask(() => q.get());
    await tick();
    task.cancel();
    assert.ok((await rejection(task)) instanceof CancelledError);
    q.putNowait(1);
    assert.equal(q.qsize(), 1, 'the item was not handed to the cancelled getter');
  });
});

describe('Queue.shutdown (Python 3.13)', () => {
  it('put raises ShutDown even with room; get drains, then raises ShutDown', T, async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    q.shutdown();
    assert.equal(q.isShutDown(), true);
    assert.throws(() => q.putNowait(3), ShutDown);
    assert.ok((await rejection(q.put(3))) instanceof ShutDown);
    assert.equal(await q.get(), 1);
    assert.equal(q.getNowait(), 2);
    assert.throws(() => q.getNowait(), ShutDown);
    assert.ok((await rejection(q.get())) instanceof ShutDown);
  });

  it('every blocked caller wakes with ShutDown; no promise is left pending', T, async () => {
    const empty = new Queue<number>();
    const getters = [empty.get(), empty.get({ timeout: 60_000 })];
    const full = new Queue<number>({ maxsize: 1 });
    full.putNowait(0);
    const putters = [full.put(1), full.put(2, { timeout: 60_000 })];
    await tick();
    empty.shutdown();
    full.shutdown();
    for (const p of [...getters, ...putters]) assert.ok((await rejection(p)) instanceof ShutDown);
    assert.equal(full.qsize(), 1, 'blocked puts did not add their items');
  });

  it('immediate drops the items and lowers the unfinished count; join wakes', T, async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    q.putNowait(3);
    await q.get();
    const joined = q.join();
    q.shutdown({ immediate: true });
    assert.equal(q.qsize(), 0);
    assert.equal(await state(joined), 'pending', 'the item taken is still unfinished');
    q.taskDone();
    assert.equal(await joined, true);
    assert.throws(() => q.taskDone(), ValueError);
  });

  it('for await takes items until the queue is shut down and drained', T, async () => {
    const q = new Queue<number>();
    const seen: number[] = [];
    const consumer = createTask(async () => {
      for await (const item of q) {
        seen.push(item);
        q.taskDone();
      }
      return 'ended';
    });
    for (const i of [1, 2, 3]) await q.put(i);
    await q.join();
    q.putNowait(4);
    q.shutdown();
    assert.equal(await consumer, 'ended');
    assert.deepEqual(seen, [1, 2, 3, 4]);
  });
});

describe('LifoQueue', () => {
  it('is last in, first out, with the same waiting rules', T, async () => {
    const q = new LifoQueue<number>({ maxsize: 3 });
    for (const i of [1, 2, 3]) q.putNowait(i);
    assert.throws(() => q.putNowait(4), Full);
    assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [3, 2, 1]);
    const waiting = q.get();
    q.putNowait(5);
    assert.equal(await waiting, 5);
    assert.ok(q instanceof Queue);
  });
});

describe('PriorityQueue', () => {
  it('gives the smallest first: numbers, strings, and arrays like Python tuples', T, async () => {
    const nums = new PriorityQueue<number>();
    for (const n of [5, 1, 4, 2, 3]) nums.putNowait(n);
    assert.deepEqual(
      Array.from({ length: 5 }, () => nums.getNowait()),
      [1, 2, 3, 4, 5],
    );
    const words = new PriorityQueue<string>();
    for (const w of ['pear', 'apple', 'fig']) words.putNowait(w);
    assert.equal(words.getNowait(), 'apple');
    const jobs = new PriorityQueue<[number, string]>();
    jobs.putNowait([2, 'b']);
    jobs.putNowait([1, 'z']);
    jobs.putNowait([1, 'a']);
    jobs.putNowait([0, 'x']);
    assert.deepEqual(
      Array.from({ length: 4 }, () => jobs.getNowait()),
      [
        [0, 'x'],
        [1, 'a'],
        [1, 'z'],
        [2, 'b'],
      ],
    );
    const short = new PriorityQueue<number[]>();
    short.putNowait([1, 2]);
    short.putNowait([1]);
    assert.deepEqual(short.getNowait(), [1], 'a prefix sorts first');
  });

  it('a compare option overrides the order', T, () => {
    const q = new PriorityQueue<{ p: number }>({ compare: (a, b) => b.p - a.p });
    for (const p of [1, 3, 2]) q.putNowait({ p });
    assert.equal(q.getNowait().p, 3);
    assert.throws(() => new PriorityQueue({ compare: 5 } as never), /compare must be a function/);
  });

  it('incomparable items throw ArgumentTypeError and leave the queue unchanged', T, () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait(1);
    assert.throws(() => q.putNowait('a'), ArgumentTypeError);
    assert.throws(() => q.putNowait({}), /not supported between/);
    assert.equal(q.qsize(), 1);
    assert.equal(q.getNowait(), 1);
  });
});
