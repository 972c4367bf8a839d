import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as weft from 'weft';
import * as errors from 'weft/errors';
import { ArgumentTypeError, RuntimeError, ValueError } from 'weft/errors';
import { Empty, Full, LifoQueue, PriorityQueue, Queue, ShutDown, SimpleQueue } from 'weft/queue';

const T = { timeout: 20_000 };

function isError(cls: Function, pattern?: RegExp): (e: unknown) => boolean {
  return (e: unknown) =>
    (e as object) instanceof (cls as never) &&
    (pattern === undefined || pattern.test((e as Error).message));
}

describe('queue: exports', () => {
  it('exports the four queues and the errors of weft/errors', T, () => {
    assert.equal(Empty, errors.Empty);
    assert.equal(Full, errors.Full);
    assert.equal(ShutDown, errors.ShutDown);
    assert.equal(weft.queue.Queue, Queue);
    assert.ok(new LifoQueue() instanceof Queue);
    assert.ok(new PriorityQueue() instanceof Queue);
    assert.ok(!((new SimpleQueue() as object) instanceof Queue), 'SimpleQueue is not a Queue');
  });

  it('describes itself', T, () => {
    const q = new Queue<number>({ maxsize: 3 });
    q.putNowait(1);
    assert.match(String(q), /^<Queue #\d+ qsize=1 maxsize=3>$/);
    q.shutdown();
    assert.match(String(q), /shut down>$/);
    assert.match(String(new PriorityQueue()), /^<PriorityQueue #\d+ qsize=0>$/);
    assert.match(String(new SimpleQueue()), /^<SimpleQueue /);
  });
});

describe('queue.Queue', () => {
  it('is FIFO; qsize, empty, full, maxsize', T, async () => {
    const q = new Queue<number>({ maxsize: 2 });
    assert.equal(q.maxsize, 2);
    assert.ok(q.empty());
    assert.ok(!q.full());
    await q.put(1);
    q.putSync(2);
    assert.equal(q.qsize(), 2);
    assert.ok(q.full());
    assert.ok(!q.empty());
    assert.equal(await q.get(), 1);
    assert.equal(q.getSync(), 2);
    assert.ok(q.empty());
  });

  it('maxsize 0 or negative is unbounded', T, () => {
    for (const maxsize of [undefined, 0, -5]) {
      const q = new Queue<number>(maxsize === undefined ? undefined : { maxsize });
      for (let i = 0; i < 1000; i++) q.putNowait(i);
      assert.ok(!q.full());
      assert.equal(q.qsize(), 1000);
      assert.equal(q.maxsize, maxsize ?? 0);
    }
  });

  it('putNowait, getNowait and { timeout: 0 } do not wait: Full, Empty', T, async () => {
    const q = new Queue<string>({ maxsize: 1 });
    assert.throws(() => q.getNowait(), isError(Empty, /queue is empty/));
    await assert.rejects(q.get({ timeout: 0 }), Empty);
    assert.throws(() => q.getSync({ timeout: 0 }), Empty);
    q.putNowait('a');
    assert.throws(() => q.putNowait('b'), isError(Full, /queue is full/));
    await assert.rejects(q.put('b', { timeout: 0 }), Full);
    assert.throws(() => q.putSync('b', { timeout: 0 }), Full);
    assert.equal(q.qsize(), 1);
    assert.equal(q.getNowait(), 'a');
  });

  it('timeouts: get raises Empty and put raises Full after about that long', T, async () => {
    const q = new Queue<number>({ maxsize: 1 });
    let t0 = performance.now();
    await assert.rejects(q.get({ timeout: 30 }), Empty);
    assert.ok(performance.now() - t0 >= 25);
    t0 = performance.now();
    assert.throws(() => q.getSync({ timeout: 20 }), Empty);
    assert.ok(performance.now() - t0 >= 15);
    q.putNowait(1);
    t0 = performance.now();
    await assert.rejects(q.put(2, { timeout: 30 }), Full);
    assert.ok(performance.now() - t0 >= 25);
    t0 = performance.now();
    assert.throws(() => q.putSync(2, { timeout: 20 }), Full);
    assert.ok(performance.now() - t0 >= 15);
    assert.equal(q.qsize(), 1, 'a put that timed out stored nothing');
  });

  it('a waiting get is answered by a later put; a waiting put by a later get', T, async () => {
    const q = new Queue<number>({ maxsize: 1 });
    const got = q.get({ timeout: 5000 });
    setTimeout(() => q.putNowait(7), 10);
    assert.equal(await got, 7);
    q.putNowait(1);
    const put = q.put(2, { timeout: 5000 });
    setTimeout(() => assert.equal(q.getNowait(), 1), 10);
    await put;
    assert.equal(q.getNowait(), 2);
  });

  it(
    'an aborted signal rejects with its reason; an already aborted one before anything',
    T,
    async () => {
      const q = new Queue<number>({ maxsize: 1 });
      const ac = new AbortController();
      const pending = q.get({ signal: ac.signal });
      ac.abort(new Error('stop'));
      await assert.rejects(pending, /stop/);
      q.putNowait(1);
      const aborted = AbortSignal.abort(new Error('already'));
      await assert.rejects(q.get({ signal: aborted }), /already/);
      await assert.rejects(q.put(2, { signal: aborted }), /already/);
      assert.equal(q.qsize(), 1, 'the aborted get took nothing');
      const ac2 = new AbortController();
      const blocked = q.put(2, { signal: ac2.signal });
      ac2.abort(new Error('no room'));
      await assert.rejects(blocked, /no room/);
      assert.equal(q.getNowait(), 1);
      assert.ok(q.empty(), 'the aborted put stored nothing');
      assert.throws(() => q.putSync(3, { signal: aborted }), /already/);
      assert.ok(q.empty(), 'the sync forms check the signal first too');
      q.putNowait(3);
      assert.throws(() => q.getSync({ signal: aborted }), /already/);
      assert.throws(() => q.joinSync({ signal: aborted }), /already/);
      assert.equal(q.qsize(), 1);
    },
  );

  it('taskDone and join count unfinished items', T, async () => {
    const q = new Queue<number>();
    assert.equal(await q.join(), true, 'nothing put: join returns at once');
    assert.equal(q.joinSync(), true);
    q.putNowait(1);
    q.putNowait(2);
    assert.equal(q.unfinishedTasks, 2);
    assert.equal(await q.join({ timeout: 10 }), false);
    assert.equal(q.joinSync({ timeout: 0 }), false);
    const joined = q.join();
    q.getNowait();
    q.taskDone();
    q.getNowait();
    assert.equal(q.unfinishedTasks, 1);
    q.taskDone();
    assert.equal(await joined, true);
    assert.throws(
      () => q.taskDone(),
      (e: unknown) =>
        e instanceof ValueError && (e as Error).message === 'task_done() called too many times',
    );
    assert.equal(q.unfinishedTasks, 0);
  });

  it('bad arguments name the parameter; async forms reject instead of throwing', T, async () => {
    assert.throws(() => new Queue({ maxsize: 1.5 }), isError(ValueError, /maxsize/));
    assert.throws(
      () => new Queue({ maxsize: '3' as never }),
      isError(ArgumentTypeError, /maxsize/),
    );
    assert.throws(() => new Queue({ maxsiz: 3 } as never), /did you mean 'maxsize'/);
    assert.throws(
      () => new Queue(3 as never),
      /options must be an options object such as \{ maxsize: 3 \}/,
    );
    const q = new Queue<number>();
    let p: Promise<unknown> | undefined;
    assert.doesNotThrow(() => {
      p = q.get({ timeout: -1 });
    });
    await assert.rejects(p!, isError(ValueError, /timeout must be a non-negative number/));
    await assert.rejects(q.put(1, { timeout: -5 }), ValueError);
    await assert.rejects(q.put(1, { timeout: '1' as never }), ArgumentTypeError);
    await assert.rejects(q.put(1, { signal: 'x' as never }), isError(ArgumentTypeError, /signal/));
    await assert.rejects(q.get({ timout: 5 } as never), /did you mean 'timeout'/);
    await assert.rejects(q.join({ timeout: -1 }), ValueError);
    assert.throws(() => q.getSync({ timeout: Number.NaN }), ValueError);
    assert.throws(() => q.putSync(1, { timeout: -1 }), ValueError);
    assert.throws(
      () => q.shutdown({ immediate: 1 } as never),
      isError(ArgumentTypeError, /immediate/),
    );
    assert.throws(() => q.shutdown({ now: true } as never), /unknown option 'now'/);
    assert.equal(q.qsize(), 0);
  });

  it('for await takes items until the queue is shut down and drained', T, async () => {
    const q = new Queue<number>();
    for (const n of [1, 2, 3]) q.putNowait(n);
    setTimeout(() => {
      q.putNowait(4);
      q.shutdown();
    }, 10);
    const seen: number[] = [];
    for await (const n of q) seen.push(n);
    assert.deepEqual(seen, [1, 2, 3, 4]);
  });
});

describe('queue.LifoQueue', () => {
  it('gives the newest item first, in every form', T, async () => {
    const q = new LifoQueue<number>({ maxsize: 3 });
    await q.put(1);
    q.putSync(2);
    q.putNowait(3);
    assert.ok(q.full());
    assert.throws(() => q.putNowait(4), Full);
    assert.deepEqual([await q.get(), q.getSync(), q.getNowait()], [3, 2, 1]);
    assert.throws(() => q.getNowait(), Empty);
  });

  it('keeps LIFO order while its storage grows', T, () => {
    const q = new LifoQueue<number>();
    for (let i = 0; i < 5000; i++) q.putNowait(i);
    for (let i = 4999; i >= 0; i--) assert.equal(q.getNowait(), i);
  });
});

describe('queue.PriorityQueue', () => {
  it('S22 shape: [priority, value] tuples come out lowest first', T, () => {
    const q = new PriorityQueue<[number, string]>();
    for (const item of [
      [30, 'c'],
      [20, 'b'],
      [40, 'd'],
      [20, 'a'],
    ] as [number, string][])
      q.putNowait(item);
    assert.deepEqual(
      [q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait()],
      [
        [20, 'a'],
        [20, 'b'],
        [30, 'c'],
        [40, 'd'],
      ],
    );
  });

  it('orders numbers and strings as Python does, through growth, like a sort', T, () => {
    const nums = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 3001);
    const q = new PriorityQueue<number>();
    for (const n of nums) q.putNowait(n);
    const out = nums.map(() => q.getNowait());
    assert.deepEqual(
      out,
      [...nums].sort((a, b) => a - b),
    );
    const s = new PriorityQueue<string>();
    for (const w of ['pear', 'apple', 'Zebra', 'fig', 'apple pie']) s.putNowait(w);
    assert.deepEqual(
      Array.from({ length: 5 }, () => s.getNowait()),
      ['Zebra', 'apple', 'apple pie', 'fig', 'pear'],
    );
  });

  it('interleaved puts and gets stay ordered (a heap, not a sorted batch)', T, () => {
    const q = new PriorityQueue<number>();
    const model: number[] = [];
    let x = 12345;
    for (let step = 0; step < 4000; step++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      if (x % 3 !== 0 || model.length === 0) {
        const v = x % 1000;
        q.putNowait(v);
        model.push(v);
        model.sort((a, b) => a - b);
      } else assert.equal(q.getNowait(), model.shift());
    }
    assert.equal(q.qsize(), model.length);
  });

  it('an item that does not compare is refused at put, and nothing is stored', T, async () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait(1);
    q.putNowait(2);
    assert.throws(() => q.putNowait('x'), isError(ArgumentTypeError, /'<' not supported/));
    await assert.rejects(q.put({ a: 1 }), ArgumentTypeError);
    assert.equal(q.qsize(), 2);
    assert.equal(q.unfinishedTasks, 2);
    assert.deepEqual([q.getNowait(), q.getNowait()], [1, 2]);
  });

  it('a compare option orders items; it must be self-contained', T, () => {
    const q = new PriorityQueue<string>({ compare: (a, b) => b.length - a.length });
    for (const w of ['a', 'ccc', 'bb']) q.putNowait(w);
    assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], ['ccc', 'bb', 'a']);
    const weight = 2;
    assert.throws(
      () => new PriorityQueue<number>({ compare: (a, b) => (a - b) * weight }),
      isError(ArgumentTypeError, /compare uses the variable 'weight'/),
    );
    assert.throws(
      () => new PriorityQueue({ compare: 5 as never }),
      isError(ArgumentTypeError, /compare must be a function/),
    );
    assert.throws(
      () => new PriorityQueue({ comparee: () => 0 } as never),
      /did you mean 'compare'/,
    );
  });
});

describe('queue.SimpleQueue', () => {
  it('put never waits; get, getSync, getNowait; empty, qsize', T, async () => {
    const q = new SimpleQueue<number>();
    assert.ok(q.empty());
    for (let i = 0; i < 100; i++) await q.put(i);
    q.putNowait(100);
    q.putSync(101);
    assert.equal(q.qsize(), 102);
    assert.equal(await q.get(), 0);
    assert.equal(q.getSync(), 1);
    assert.equal(q.getNowait(), 2);
    while (!q.empty()) q.getNowait();
    assert.throws(() => q.getNowait(), Empty);
    await assert.rejects(q.get({ timeout: 10 }), Empty);
    const later = q.get();
    q.putNowait(9);
    assert.equal(await later, 9);
  });

  it('has no task tracking, shutdown or maxsize; takes no options', T, () => {
    const q = new SimpleQueue() as unknown as Record<string, unknown>;
    for (const name of ['taskDone', 'join', 'shutdown', 'full', 'maxsize'])
      assert.equal(q[name], undefined);
    assert.throws(() => new SimpleQueue({ maxsize: 3 } as never), ArgumentTypeError);
  });
});

describe('queue: blocking forms', () => {
  it('putSync/getSync on the main thread block it (not refused outside virtual threads)', T, () => {
    const q = new Queue<number>();
    q.putSync(1);
    assert.equal(q.getSync(), 1);
    assert.throws(() => q.getSync({ timeout: 1 }), Empty);
    assert.ok(!(new RuntimeError('x') instanceof Empty));
  });
});
