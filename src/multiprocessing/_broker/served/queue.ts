/**
 * The broker's queues: an asyncio `Queue` of encoded items (the broker never decodes them),
 * which already has FIFO waiters, timeouts, task tracking and shutdown. `Queue`,
 * `JoinableQueue` and `SimpleQueue` differ only in what their proxies expose.
 */
import { Queue } from '../../../asyncio/queue.js';
import type { Encoded } from '../wire.js';
import { type Call, type Served, unknownMethod } from './served.js';

export class ServedQueue implements Served {
  readonly #queue: Queue<Encoded>;

  constructor(maxsize: number) {
    this.#queue = new Queue({ maxsize });
  }

  call(call: Call, method: string, args: unknown[]): unknown {
    const q = this.#queue;
    switch (method) {
      case 'put':
        if (!q.full() || q.isShutDown()) return q.put(args[0] as Encoded);
        return q.put(args[0] as Encoded, waitOptions(call, args[1]));
      // A batch of puts (`Batch` in client.ts) on an unbounded queue, queued in order at once;
      // `undefined` answers them all. ShutDown fails them all (it is checked before the first).
      case 'putMany':
        for (const item of args as Encoded[]) q.putNowait(item);
        return undefined;
      case 'get':
        if (q.qsize() > 0 || q.isShutDown()) return q.get();
        return q.get(waitOptions(call, args[0]));
      // A batch of `args.length` gets: the items the queue holds, at most one per get and at
      // least one (waiting for it in the getters' FIFO like a single get); the client sends
      // the gets not answered again. ShutDown (shut down and empty) fails them all.
      case 'getMany':
        if (q.qsize() > 0 || q.isShutDown()) return takeMore(q, [q.getNowait()], args.length);
        return q
          .get(waitOptions(call, undefined))
          .then((first) => takeMore(q, [first], args.length));
      case 'putNowait':
        return q.putNowait(args[0] as Encoded);
      case 'getNowait':
        return q.getNowait();
      case 'qsize':
        return q.qsize();
      case 'empty':
        return q.empty();
      case 'full':
        return q.full();
      case 'taskDone':
        return q.taskDone();
      case 'join':
        return q.join(args[0] === 0 ? { timeout: 0 } : waitOptions(call, args[0]));
      case 'shutdown':
        return q.shutdown({ immediate: args[0] === true });
      case 'isShutDown':
        return q.isShutDown();
      default:
        return unknownMethod('Queue', method);
    }
  }

  dispose(): void {
    this.#queue.shutdown({ immediate: true });
  }
}

/** Adds to `taken` the items `q` holds now, up to `n` in all. */
function takeMore(q: Queue<Encoded>, taken: Encoded[], n: number): Encoded[] {
  while (taken.length < n && q.qsize() > 0) taken.push(q.getNowait());
  return taken;
}

/** The wait options of a call that must wait (only then is an AbortController made). */
function waitOptions(call: Call, timeout: unknown): { timeout?: number; signal?: AbortSignal } {
  return { timeout: timeout as number | undefined, signal: call.signal };
}
