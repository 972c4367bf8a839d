/**
 * `queue-cross-thread`: one producer thread and one consumer thread move small items (the
 * integers 0…n-1) through a queue, as CPython's `queue.Queue` does between two threads.
 *
 * - `weft`: a `weft/queue` Queue; the producer `putSync`s, the consumer `getSync`s, each in a
 *   thread of its own started with `Thread`.
 * - `cpython`: `queue.Queue` with a producer thread and the main thread consuming.
 * - `baseline-messagechannel`: the same items posted one by one over a `MessageChannel`
 *   between two worker threads.
 *
 * The clock runs from the moment both threads are ready until the consumer has every item;
 * the consumer checks the sum, so an item lost or duplicated fails the run.
 */
import {
  isMainThread,
  MessageChannel,
  type MessagePort,
  parentPort,
  Worker,
  workerData,
} from 'node:worker_threads';
import { Queue } from 'weft/queue';
import { Thread } from 'weft/threading';
import type { BenchCase, BenchContext } from '../harness.js';

const ITEMS = 200_000;

function expectedSum(n: number): number {
  return (n * (n - 1)) / 2;
}

/**
 * The start line: `flags[0]` counts the threads that are ready, `flags[1]` turns 1 at the
 * start. Both are plain Atomics, the same for every implementation.
 */
function newStartLine(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

function arrive(flags: Int32Array, wait: boolean): void {
  Atomics.add(flags, 0, 1);
  Atomics.notify(flags, 0);
  if (wait) Atomics.wait(flags, 1, 0);
}

/** Waits (without blocking the event loop) for `count` threads to arrive, then starts them. */
async function start(flags: Int32Array, count: number): Promise<bigint> {
  for (let seen = Atomics.load(flags, 0); seen < count; seen = Atomics.load(flags, 0)) {
    const w = Atomics.waitAsync(flags, 0, seen, 1000);
    if (w.async) await w.value;
  }
  const t0 = process.hrtime.bigint();
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
  return t0;
}

function rateSince(t0: bigint, n: number, sum: number): number {
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sum !== expectedSum(n)) throw new Error(`items lost or duplicated: sum ${sum}`);
  return n / seconds;
}

// --- weft ----------------------------------------------------------------------------------

/** The producer thread: puts 0…n-1. */
export function queueProducer(q: Queue<number>, n: number, flags: Int32Array): void {
  arrive(flags, true);
  for (let i = 0; i < n; i++) q.putSync(i);
}

/** The consumer thread: takes n items and reports their sum on `out`. */
export function queueConsumer(
  q: Queue<number>,
  n: number,
  flags: Int32Array,
  out: Queue<number>,
): void {
  arrive(flags, true);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += q.getSync();
  out.putSync(sum);
}

async function weft(): Promise<number> {
  const q = new Queue<number>();
  const out = new Queue<number>();
  const flags = newStartLine();
  const threads = [
    new Thread({ target: queueProducer, args: [q, ITEMS, flags] }),
    new Thread({ target: queueConsumer, args: [q, ITEMS, flags, out] }),
  ];
  for (const t of threads) t.start();
  const t0 = await start(flags, threads.length);
  const sum = await out.get();
  const r = rateSince(t0, ITEMS, sum);
  for (const t of threads) await t.join();
  return r;
}

// --- baseline: MessageChannel between two workers -----------------------------------------

interface ChannelRole {
  queueBenchRole: 'producer' | 'consumer';
  port: MessagePort;
  n: number;
  flags: Int32Array;
}

function channelWorker(role: ChannelRole): void {
  if (role.queueBenchRole === 'producer') {
    arrive(role.flags, true);
    for (let i = 0; i < role.n; i++) role.port.postMessage(i);
    return;
  }
  let sum = 0;
  let count = 0;
  role.port.on('message', (v: number) => {
    sum += v;
    if (++count === role.n) {
      parentPort!.postMessage(sum);
      role.port.close();
    }
  });
  arrive(role.flags, false);
}

if (!isMainThread && (workerData as Partial<ChannelRole> | undefined)?.queueBenchRole)
  channelWorker(workerData as ChannelRole);

async function messageChannel(): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const flags = newStartLine();
  const spawn = (queueBenchRole: ChannelRole['queueBenchRole'], port: MessagePort) =>
    new Worker(new URL(import.meta.url), {
      workerData: { queueBenchRole, port, n: ITEMS, flags },
      transferList: [port],
    });
  const consumer = spawn('consumer', port2);
  const producer = spawn('producer', port1);
  try {
    const summed = new Promise<number>((resolve, reject) => {
      consumer.once('message', resolve);
      consumer.once('error', reject);
      producer.once('error', reject);
    });
    const t0 = await start(flags, 2);
    return rateSince(t0, ITEMS, await summed);
  } finally {
    await Promise.all([consumer.terminate(), producer.terminate()]);
  }
}

export const queueCrossThread: BenchCase = {
  id: 'queue-cross-thread',
  unit: 'items/s',
  title: `one producer thread and one consumer thread move ${ITEMS / 1000}k integers through a queue`,
  goal: 'weft >= 1 M items/s (CPython queue.Queue ~336 k/s)',
  impls: {
    weft: (_ctx: BenchContext) => weft(),
    cpython: { python: 'queue_cross_thread.py' },
    'baseline-messagechannel': (_ctx: BenchContext) => messageChannel(),
  },
};
