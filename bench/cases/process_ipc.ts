/**
 * Process IPC beside CPython's `multiprocessing`:
 *
 * - `process-queue`: one producer child puts the integers 0…n-1 on a process `Queue`; the
 *   parent takes them all and checks their sum. weft's producer and consumer keep up to two
 *   windows of {@link WINDOW} calls in flight (`put()`/`get()` without awaiting each), so the
 *   calls of one turn go to the broker as one request (`putMany`, `getMany`); CPython's
 *   `Queue.put` returns at once (its feeder
 *   thread writes to a pipe) and `get` reads the pipe.
 * - `process-lock-value`: two children each add 1 to a `Value('i')` n times, holding its lock
 *   around `v.value += 1` (Python's `with v.get_lock(): v.value += 1`); the final value must
 *   be exactly 2n. CPython's Value and lock are shared memory; weft's live in the tree's broker,
 *   so each increment is three blocking round trips (acquire, read, write; the release is sent
 *   without waiting).
 *
 * The clock runs from `start()` of the children until the last has exited (CPython: the same).
 */
import type { BenchCase } from '../harness.js';

const WINDOW = 512;

/** The producer child: puts 0…n-1, at most two windows of puts in flight. */
export async function queueProducer(
  q: import('weft/multiprocessing').Queue<number>,
  n: number,
): Promise<void> {
  let previous: Promise<void> | undefined;
  let last: Promise<void> | undefined;
  for (let i = 0; i < n; i++) {
    last = q.put(i);
    if (i % WINDOW === WINDOW - 1) {
      await previous;
      previous = last;
    }
  }
  await last;
}

/** Takes n items, with the next window of gets in flight while one is summed. */
async function consumeAll(
  q: import('weft/multiprocessing').Queue<number>,
  n: number,
): Promise<number> {
  const window = (from: number): Promise<number[]> =>
    Promise.all(Array.from({ length: Math.min(WINDOW, n - from) }, () => q.get()));
  let sum = 0;
  let next = window(0);
  for (let got = 0; got < n; ) {
    const items = await next;
    got += items.length;
    if (got < n) next = window(got);
    for (const x of items) sum += x;
  }
  return sum;
}

/** A child of `process-lock-value`: n increments under the value's lock. */
export function lockedIncrements(v: import('weft/multiprocessing').Value<'i'>, n: number): void {
  const lock = v.getLock();
  for (let i = 0; i < n; i++) {
    lock.acquireSync();
    v.value += 1;
    lock.release();
  }
}

async function processQueue(ctx: { quick: boolean }): Promise<number> {
  const { Process, Queue } = await import('weft/multiprocessing');
  const n = ctx.quick ? 20_000 : 100_000;
  const q = new Queue<number>();
  const p = new Process({ target: queueProducer, args: [q, n] });
  const t0 = process.hrtime.bigint();
  p.start();
  const sum = await consumeAll(q, n);
  await p.join();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sum !== (n * (n - 1)) / 2) throw new Error(`items lost or duplicated: sum ${sum}`);
  return n / seconds;
}

async function processLockValue(ctx: { quick: boolean }): Promise<number> {
  const { Process, Value } = await import('weft/multiprocessing');
  const n = ctx.quick ? 250 : 2_000;
  const v = new Value('i', 0);
  const ps = [0, 1].map(() => new Process({ target: lockedIncrements, args: [v, n] }));
  const t0 = process.hrtime.bigint();
  for (const p of ps) p.start();
  for (const p of ps) await p.join();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (v.value !== 2 * n) throw new Error(`lost updates: ${v.value} of ${2 * n}`);
  return (2 * n) / seconds;
}

export const processQueueCase: BenchCase = {
  id: 'process-queue',
  unit: 'items/s',
  title: 'one producer child puts 100k integers on a process Queue; the parent takes them',
  goal: 'weft >= 1x CPython multiprocessing.Queue (~136 k/s here)',
  impls: {
    weft: processQueue,
    cpython: { python: 'process_ipc.py', args: ['process-queue'] },
  },
};

export const processLockValueCase: BenchCase = {
  id: 'process-lock-value',
  unit: 'ops/s',
  title: '2 children x n increments of a Value under its lock, exact',
  goal: "report what the broker reaches beside CPython's shared memory (~983 k ops/s here)",
  impls: {
    weft: processLockValue,
    cpython: { python: 'process_ipc.py', args: ['process-lock-value'] },
  },
};
