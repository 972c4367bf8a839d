/**
 * `Queue` (Python's `queue.Queue`) for real threads: a FIFO queue in shared memory that any
 * thread holding it can put to and get from.
 */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import {
  checkQueueOptions,
  checkShutdownOptions,
  type QueueOptions,
  type ShutdownOptions,
  untilShutDown,
} from '../_internal/queue_common.js';
import type { WaitOptions } from '../_internal/validate.js';
import { BaseQueue, MAXSIZE_LIMIT } from './_base_queue.js';

export type { QueueOptions, ShutdownOptions };

/**
 * A first-in, first-out queue shared by threads (Python's `queue.Queue`, with 3.13's
 * `shutdown`).
 *
 * Create it in one thread and pass it to others as a `Thread` argument (or inside one): it
 * arrives live, on the same memory. Items cross by value: each is serialized into the queue's
 * shared memory by `put` and rebuilt by `get` in the thread that takes it, so an item may be
 * anything `structuredClone` copies, except shared memory itself (pass shared objects to
 * threads as arguments instead).
 *
 * `put`/`get` return Promises and never block the event loop; `putSync`/`getSync` block the
 * calling thread (for worker threads). All take `{ timeout, signal }`; `{ timeout: 0 }` does
 * not wait. Blocked putters and getters wake in FIFO order; one that times out or is aborted
 * leaves no trace. `taskDone`/`join` count unfinished items; `shutdown` ends the queue, and
 * `for await` takes items until it is shut down and drained.
 *
 * @example
 * ```ts
 * // work.ts
 * import { isMainThread } from 'node:worker_threads';
 * import { Thread } from 'weft/threading';
 * import { Queue } from 'weft/queue';
 *
 * export function worker(q: Queue<number | null>, results: Queue<number>): void {
 *   for (;;) {
 *     const n = q.getSync(); // blocks this thread only
 *     if (n === null) break;
 *     results.putSync(n * n);
 *     q.taskDone();
 *   }
 * }
 *
 * if (isMainThread) {
 *   const q = new Queue<number | null>({ maxsize: 100 });
 *   const results = new Queue<number>();
 *   const t = new Thread({ target: worker, args: [q, results] });
 *   t.start();
 *   for (let i = 0; i < 10; i++) await q.put(i); // waits without blocking the event loop
 *   await q.join(); // every item processed
 *   await q.put(null);
 *   await t.join();
 *   console.log(results.qsize()); // 10
 * }
 * ```
 */
export class Queue<T = unknown> extends BaseQueue<T> implements AsyncIterable<T> {
  /** @internal */
  static override readonly _sharedType: string = 'Queue';

  /**
   * A new queue holding at most `maxsize` items (none: unbounded). `descriptor` is for
   * reviving a queue that crossed threads; use `revive` rather than passing it yourself.
   */
  constructor(options?: QueueOptions, descriptor?: Descriptor) {
    super(
      descriptor
        ? undefined
        : {
            maxsize: checkQueueOptions(options, ['maxsize'], MAXSIZE_LIMIT).maxsize,
            tracksTasks: true,
          },
      descriptor,
    );
  }

  /** The capacity given at construction (`0` or less: unbounded). */
  get maxsize(): number {
    return this._maxsize();
  }

  /** Whether a bounded queue has no room (a snapshot). */
  full(): boolean {
    return this._full();
  }

  /** Items put and not yet marked done with {@link taskDone} (Python's `unfinished_tasks`). */
  get unfinishedTasks(): number {
    return this._unfinishedTasks();
  }

  /**
   * Marks one item taken with `get` as processed (Python's `task_done`). Throws
   * `ValueError('task_done() called too many times')` if no item is unfinished.
   */
  taskDone(): void {
    this._taskDone();
  }

  /**
   * Waits until every item put has been marked done with {@link taskDone}, without blocking
   * the event loop. Resolves `true`, or `false` if `timeout` passed first.
   */
  join(options?: WaitOptions): Promise<boolean> {
    return this._join(options);
  }

  /** Like {@link join}, blocking the calling thread. */
  joinSync(options?: WaitOptions): boolean {
    return this._joinSync(options);
  }

  /**
   * Shuts the queue down (Python 3.13): from now on `put` fails with `ShutDown`, and `get`
   * once the queue is empty; every blocked `put` and `get` wakes up to find out. With
   * `immediate`, the queued items are dropped and the unfinished count lowered by as many
   * (waking `join` when it reaches zero). Any thread may call it.
   */
  shutdown(options?: ShutdownOptions): void {
    this._shutdown(checkShutdownOptions(options));
  }

  /** Whether `shutdown()` was called, in any thread. */
  isShutDown(): boolean {
    return this._isShutDown();
  }

  /** Takes items until the queue is shut down and empty (it does not call `taskDone`). */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilShutDown(() => this.get());
  }
}

defineShared('Queue', (d) => new Queue(undefined, d));
