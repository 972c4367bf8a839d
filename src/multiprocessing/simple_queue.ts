/** `SimpleQueue` (Python's `multiprocessing.SimpleQueue`): an unbounded process queue. */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import { BrokerQueue } from './_queue_base.js';

/**
 * An unbounded FIFO queue shared by every process of the tree, with the basic operations of
 * `Queue` (`put`, `get`, their `Sync` and `Nowait` forms, `empty`, `close`). Python's
 * `SimpleQueue` is a locked pipe; here it is the same broker queue as `Queue`.
 *
 * @example
 * ```ts
 * import { Process, SimpleQueue } from 'weft/multiprocessing';
 * export async function child(q: SimpleQueue<string>) {
 *   await q.put(`hello from ${process.pid}`);
 * }
 * const q = new SimpleQueue<string>();
 * new Process({ target: child, args: [q] }).start();
 * console.log(await q.get());
 * ```
 */
export class SimpleQueue<T = unknown> extends BrokerQueue<T> {
  constructor(descriptor?: Descriptor) {
    super('mp.SimpleQueue', 0, descriptor);
  }
}

defineShared('mp.SimpleQueue', (d) => new SimpleQueue(d));
