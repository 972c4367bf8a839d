/**
 * `SimpleQueue` (Python's `queue.SimpleQueue`) for real threads.
 */
import { type Descriptor, defineShared, isDescriptor } from '../_internal/handle.js';
import { typeError } from '../_internal/validate.js';
import { BaseQueue } from './_base_queue.js';

/**
 * An unbounded FIFO queue shared by threads, without task tracking or shutdown (Python's
 * `queue.SimpleQueue`): `put` never waits, `get` waits for an item. Items cross by value as
 * in {@link Queue}.
 *
 * @example
 * ```ts
 * import { SimpleQueue } from 'weft/queue';
 * const q = new SimpleQueue<string>();
 * q.putNowait('a');
 * await q.put('b'); // never waits: the queue is unbounded
 * console.log(q.qsize(), await q.get(), q.getNowait(), q.empty()); // 2 a b true
 * // in a worker thread: const next = q.getSync({ timeout: 1000 });
 * ```
 */
export class SimpleQueue<T = unknown> extends BaseQueue<T> {
  /** @internal */
  static override readonly _sharedType: string = 'SimpleQueue';

  /**
   * A new, empty queue. `descriptor` is for reviving a queue that crossed threads; use
   * `revive` rather than passing it yourself.
   */
  constructor(descriptor?: Descriptor) {
    if (descriptor !== undefined && !isDescriptor(descriptor))
      typeError('SimpleQueue()', 'called without arguments', descriptor);
    super(descriptor ? undefined : { maxsize: 0, tracksTasks: false }, descriptor);
  }
}

defineShared('SimpleQueue', (d) => new SimpleQueue(d));
