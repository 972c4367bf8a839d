/**
 * `Queue` and `JoinableQueue` (Python's `multiprocessing.Queue`, `JoinableQueue`): FIFO
 * queues shared by every process of the tree.
 */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import {
  checkQueueOptions,
  checkShutdownOptions,
  type QueueOptions,
  type ShutdownOptions,
} from '../_internal/queue_common.js';
import type { WaitOptions } from '../_internal/validate.js';
import { asyncWait, syncWait } from './_broker/proxy.js';
import { BrokerQueue } from './_queue_base.js';

/**
 * A FIFO queue shared by every process of the tree, held by the tree's broker. Same API as
 * `weft/queue`'s `Queue` (`put`/`get` Promises with `{ timeout, signal }`, `putSync`/
 * `getSync`, `putNowait`/`getNowait`, `Full`/`Empty`, `shutdown`, `for await`), plus
 * Python's `close()`, `joinThread()` and `cancelJoinThread()`. Items cross by value:
 * structured-cloneable data, errors, exported functions, and weft's process objects (which
 * arrive live). Pass the queue to a child as a `Process` argument.
 *
 * @example
 * ```ts
 * import { Process, Queue } from 'weft/multiprocessing';
 * export async function producer(q: Queue<number | null>) {
 *   for (let i = 0; i < 3; i++) await q.put(i);
 *   await q.put(null);
 * }
 * const q = new Queue<number | null>();
 * new Process({ target: producer, args: [q] }).start();
 * for (let item = await q.get(); item !== null; item = await q.get()) console.log(item);
 * ```
 */
export class Queue<T = unknown> extends BrokerQueue<T> {
  constructor(options?: QueueOptions, descriptor?: Descriptor) {
    super(
      new.target === JoinableQueue ? 'mp.JoinableQueue' : 'mp.Queue',
      descriptor ? 0 : Math.max(0, checkQueueOptions(options, ['maxsize']).maxsize),
      descriptor,
    );
  }

  /**
   * Shuts the queue down (Python 3.13's `Queue.shutdown`): puts fail with `ShutDown`, gets
   * fail once it is empty (at once with `immediate`, which drops the items).
   */
  shutdown(options?: ShutdownOptions): void {
    this._shutdown(checkShutdownOptions(options));
  }

  /** True once the queue was shut down (a round trip). */
  isShutDown(): boolean {
    return this._requestSync('isShutDown', []) as boolean;
  }
}

/**
 * A process `Queue` that also counts unfinished items: each `get` must be matched by a
 * `taskDone()`, and `join()` waits until every item put has been marked done.
 *
 * @example
 * ```ts
 * import { JoinableQueue, Process } from 'weft/multiprocessing';
 * export async function worker(q: JoinableQueue<string>) {
 *   for (;;) {
 *     const job = await q.get();
 *     // ... work on job ...
 *     q.taskDone();
 *   }
 * }
 * const q = new JoinableQueue<string>();
 * new Process({ target: worker, args: [q], daemon: true }).start();
 * for (const job of ['a', 'b', 'c']) await q.put(job);
 * await q.join(); // every job done
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /** Marks one item taken with `get` as done; `ValueError` if called too often (a round trip). */
  taskDone(): void {
    this._requestSync('taskDone', []);
  }

  /** Waits until every item put has been marked done; false if `timeout` passed first. */
  async join(options?: WaitOptions): Promise<boolean> {
    const { timeout, signal } = asyncWait(options);
    return (await this._request('join', [timeout], signal)) as boolean;
  }

  /** Like {@link join}, blocking the calling thread. */
  joinSync(options?: WaitOptions): boolean {
    return this._requestSync('join', [syncWait(options, 'JoinableQueue.joinSync()')]) as boolean;
  }
}

defineShared('mp.Queue', (d) => new Queue(undefined, d));
defineShared('mp.JoinableQueue', (d) => new JoinableQueue(undefined, d));
