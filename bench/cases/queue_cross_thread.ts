/**
 * `queue-cross-thread`: one producer thread and one consumer thread move small items (the
 * integers 0…n-1) through a queue, as CPython's `queue.Queue` does between two threads.
 *
 * - `weft`: a `weft/queue` Queue; the producer `putSync`s, the consumer `getSync`s, each in a
 *   thread of its own started with `Thread`.
 * - `cpython`: `queue.Queue` with a producer thread and a consumer thread.
 * - `baseline-messagechannel`: the same items posted one by one over a `MessageChannel`
 *   between two worker threads.
 *
 * The clock runs from the start signal, given once both threads are ready, until the
 * consumer has every item; the consumer's sum checks that none was lost or duplicated. Every
 * implementation measures warm threads: weft's rounds start threads on the isolates of the
 * rounds before (a setup round warms both with both roles), the baseline keeps its two
 * workers for all rounds.
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
import type { BenchCase, StatefulImpl } from '../harness.js';

const ITEMS = 200_000;

function expectedSum(n: number): number {
  return (n * (n - 1)) / 2;
}

function rateSince(t0: bigint, n: number, sum: number): number {
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sum !== expectedSum(n)) throw new Error(`items lost or duplicated: sum ${sum}`);
  return n / seconds;
}

// --- weft ----------------------------------------------------------------------------------

/**
 * The start line: `flags[0]` counts the threads that are ready, `flags[1]` turns 1 at the
 * start.
 */
function arrive(flags: Int32Array): void {
  Atomics.add(flags, 0, 1);
  Atomics.notify(flags, 0);
  Atomics.wait(flags, 1, 0);
}

/** The producer thread: puts 0…n-1. */
export function queueProducer(q: Queue<number>, n: number, flags: Int32Array): void {
  arrive(flags);
  for (let i = 0; i < n; i++) q.putSync(i);
}

/** The consumer thread: takes n items and reports their sum on `out`. */
export function queueConsumer(
  q: Queue<number>,
  n: number,
  flags: Int32Array,
  out: Queue<number>,
): void {
  arrive(flags);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += q.getSync();
  out.putSync(sum);
}

async function weftRound(): Promise<number> {
  const q = new Queue<number>();
  const out = new Queue<number>();
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const threads = [
    new Thread({ target: queueProducer, args: [q, ITEMS, flags] }),
    new Thread({ target: queueConsumer, args: [q, ITEMS, flags, out] }),
  ];
  for (const t of threads) t.start();
  for (let seen = Atomics.load(flags, 0); seen < threads.length; seen = Atomics.load(flags, 0)) {
    const w = Atomics.waitAsync(flags, 0, seen, 1000);
    if (w.async) await w.value;
  }
  const t0 = process.hrtime.bigint();
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
  const r = rateSince(t0, ITEMS, await out.get());
  for (const t of threads) await t.join();
  return r;
}

const weft: StatefulImpl<void> = {
  // Threads run on reused isolates, not always in the role they had before: one round more
  // than the harness's warm-up gives both isolates both roles.
  setup: async () => void (await weftRound()),
  run: weftRound,
};

// --- baseline: MessageChannel between two workers -----------------------------------------

interface ChannelRole {
  queueBenchRole: 'producer' | 'consumer';
  port: MessagePort;
}

/** A worker of the baseline: told `n`, the producer posts 0…n-1; the consumer sums n items. */
function channelWorker({ queueBenchRole, port }: ChannelRole): void {
  if (queueBenchRole === 'producer') {
    parentPort!.on('message', (n: number) => {
      for (let i = 0; i < n; i++) port.postMessage(i);
    });
    return;
  }
  let expected = 0;
  let count = 0;
  let sum = 0;
  port.on('message', (v: number) => {
    sum += v;
    if (++count === expected) parentPort!.postMessage(sum);
  });
  parentPort!.on('message', (n: number) => {
    [expected, count, sum] = [n, 0, 0];
    parentPort!.postMessage('ready');
  });
}

if (!isMainThread && (workerData as Partial<ChannelRole> | undefined)?.queueBenchRole)
  channelWorker(workerData as ChannelRole);

interface Channel {
  producer: Worker;
  consumer: Worker;
}

/** The worker's next message. */
function reply(w: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('message', (m) => {
      w.off('error', reject);
      resolve(m);
    });
  });
}

const messageChannel: StatefulImpl<Channel> = {
  setup() {
    const { port1, port2 } = new MessageChannel();
    const spawn = (queueBenchRole: ChannelRole['queueBenchRole'], port: MessagePort) =>
      new Worker(new URL(import.meta.url), {
        workerData: { queueBenchRole, port },
        transferList: [port],
      });
    return { producer: spawn('producer', port1), consumer: spawn('consumer', port2) };
  },
  async run({ producer, consumer }) {
    const ready = reply(consumer);
    consumer.postMessage(ITEMS);
    await ready;
    const summed = reply(consumer);
    const t0 = process.hrtime.bigint();
    producer.postMessage(ITEMS);
    return rateSince(t0, ITEMS, (await summed) as number);
  },
  async teardown({ producer, consumer }) {
    await Promise.all([producer.terminate(), consumer.terminate()]);
  },
};

export const queueCrossThread: BenchCase = {
  id: 'queue-cross-thread',
  unit: 'items/s',
  title: `one producer thread and one consumer thread move ${ITEMS / 1000}k integers through a queue`,
  goal: 'weft >= 1 M items/s (CPython queue.Queue ~336 k/s)',
  impls: {
    weft,
    cpython: { python: 'queue_cross_thread.py' },
    'baseline-messagechannel': messageChannel,
  },
};
