/**
 * weft/asyncio against the npm anchors: async-mutex (locks), p-limit (a concurrency
 * limit), p-queue (a producer feeding a consumer) and a hand-rolled array + promise queue.
 * Each implementation runs the same workload; only the primitive differs.
 */
import { Mutex } from 'async-mutex';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import { Lock, Queue, Semaphore } from 'weft/asyncio';
import { type BenchContext, defineSuite, rate } from '../harness.js';

const size = (ctx: BenchContext, full: number, quick: number): number => (ctx.quick ? quick : full);

// lock-uncontended: one async loop acquiring and releasing a free lock.
const UNCONTENDED = [2_000_000, 400_000] as const;

async function weftUncontended(ctx: BenchContext): Promise<number> {
  const n = size(ctx, ...UNCONTENDED);
  const lock = new Lock();
  return rate(n, async () => {
    for (let i = 0; i < n; i++) {
      const held = await lock.acquire();
      held.release();
    }
  });
}

async function mutexUncontended(ctx: BenchContext): Promise<number> {
  const n = size(ctx, ...UNCONTENDED);
  const mutex = new Mutex();
  return rate(n, async () => {
    for (let i = 0; i < n; i++) {
      const release = await mutex.acquire();
      release();
    }
  });
}

// lock-contended: 100 async tasks, each taking the lock 5 000 times (2 000 when quick).
const TASKS = 100;
const ROUNDS = [5_000, 2_000] as const;

async function contended<R>(
  ctx: BenchContext,
  enter: () => Promise<R>,
  leave: (held: R) => void,
): Promise<number> {
  const rounds = size(ctx, ...ROUNDS);
  let counter = 0;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < rounds; i++) {
      const held = await enter();
      counter++;
      leave(held);
    }
  };
  const ops = TASKS * rounds;
  const r = await rate(ops, () => Promise.all(Array.from({ length: TASKS }, worker)).then());
  if (counter !== ops) throw new Error(`lost updates: ${counter} != ${ops}`);
  return r;
}

function weftContended(ctx: BenchContext): Promise<number> {
  const lock = new Lock();
  return contended(
    ctx,
    () => lock.acquire(),
    (held) => held.release(),
  );
}

function mutexContended(ctx: BenchContext): Promise<number> {
  const mutex = new Mutex();
  return contended(
    ctx,
    () => mutex.acquire(),
    (release) => release(),
  );
}

// semaphore-limit: 100 000 async tasks (20 000 when quick) through a limit of 10.
const LIMIT = 10;
const LIMITED = [100_000, 20_000] as const;

async function work(i: number): Promise<number> {
  await null;
  return i;
}

async function weftLimit(ctx: BenchContext): Promise<number> {
  const n = size(ctx, ...LIMITED);
  const sem = new Semaphore(LIMIT);
  const limited = async (i: number): Promise<number> => {
    await sem.acquire();
    try {
      return await work(i);
    } finally {
      sem.release();
    }
  };
  return rate(n, async () => {
    const jobs = new Array<Promise<number>>(n);
    for (let i = 0; i < n; i++) jobs[i] = limited(i);
    await Promise.all(jobs);
  });
}

async function pLimitLimit(ctx: BenchContext): Promise<number> {
  const n = size(ctx, ...LIMITED);
  const limit = pLimit(LIMIT);
  return rate(n, async () => {
    const jobs = new Array<Promise<number>>(n);
    for (let i = 0; i < n; i++) jobs[i] = limit(work, i);
    await Promise.all(jobs);
  });
}

// queue-throughput: one producer feeds one consumer through a buffer of 100 items.
const CAPACITY = 100;
const ITEMS = [500_000, 100_000] as const;

/** One producer putting 0..n-1 and one consumer summing them, through `q`. */
function producerConsumer(
  ctx: BenchContext,
  q: { put(item: number): Promise<void>; get(): Promise<number> },
): Promise<number> {
  const n = size(ctx, ...ITEMS);
  let sum = 0;
  return rate(n, async () => {
    const producer = async (): Promise<void> => {
      for (let i = 0; i < n; i++) await q.put(i);
    };
    const consumer = async (): Promise<void> => {
      for (let i = 0; i < n; i++) sum += await q.get();
    };
    await Promise.all([producer(), consumer()]);
    if (sum !== (n * (n - 1)) / 2) throw new Error('lost items');
  });
}

async function pQueueQueue(ctx: BenchContext): Promise<number> {
  const n = size(ctx, ...ITEMS);
  const pq = new PQueue({ concurrency: 1 });
  let sum = 0;
  return rate(n, async () => {
    for (let i = 0; i < n; i++) {
      await pq.onSizeLessThan(CAPACITY);
      void pq.add(async () => {
        sum += i;
      });
    }
    await pq.onIdle();
    if (sum !== (n * (n - 1)) / 2) throw new Error('lost items');
  });
}

/** The smallest correct bounded async queue: an array and two parked resolvers. */
class ArrayPromiseQueue<T> {
  readonly #items: T[] = [];
  #head = 0;
  #getter: ((item: T) => void) | undefined;
  #putter: (() => void) | undefined;
  constructor(readonly capacity: number) {}
  put(item: T): Promise<void> {
    if (this.#getter) {
      const g = this.#getter;
      this.#getter = undefined;
      g(item);
      return Promise.resolve();
    }
    this.#items.push(item);
    if (this.#items.length - this.#head < this.capacity) return Promise.resolve();
    return new Promise((resolve) => (this.#putter = resolve));
  }
  get(): Promise<T> {
    if (this.#items.length > this.#head) {
      const item = this.#items[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      const p = this.#putter;
      this.#putter = undefined;
      p?.();
      return Promise.resolve(item);
    }
    return new Promise((resolve) => (this.#getter = resolve));
  }
}

function weftQueue(ctx: BenchContext): Promise<number> {
  return producerConsumer(ctx, new Queue<number>({ maxsize: CAPACITY }));
}

function arrayQueue(ctx: BenchContext): Promise<number> {
  return producerConsumer(ctx, new ArrayPromiseQueue<number>(CAPACITY));
}

export default defineSuite('asyncio', [
  {
    id: 'lock-uncontended',
    unit: 'ops/s',
    title: 'acquire + release of a free lock in one async loop',
    goal: 'weft >= 1.0x async-mutex',
    impls: { weft: weftUncontended, 'async-mutex': mutexUncontended },
  },
  {
    id: 'lock-contended',
    unit: 'ops/s',
    title: `${TASKS} async tasks taking one lock in turn`,
    goal: 'weft >= 1.0x async-mutex',
    impls: { weft: weftContended, 'async-mutex': mutexContended },
  },
  {
    id: 'semaphore-limit',
    unit: 'tasks/s',
    title: `100 000 async tasks through a limit of ${LIMIT}`,
    goal: 'weft >= 1.0x p-limit',
    impls: { weft: weftLimit, 'p-limit': pLimitLimit },
  },
  {
    id: 'queue-throughput',
    unit: 'items/s',
    title: `one producer to one consumer through a buffer of ${CAPACITY}`,
    goal: 'weft >= 1.0x p-queue',
    impls: { weft: weftQueue, 'p-queue': pQueueQueue, 'baseline-array-promise': arrayQueue },
  },
]);
