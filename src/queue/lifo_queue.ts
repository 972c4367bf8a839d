/**
 * `LifoQueue` (Python's `queue.LifoQueue`) for real threads.
 */
import { defineShared } from '../_internal/handle.js';
import { Queue } from './queue.js';

/**
 * A last-in, first-out {@link Queue} shared by threads (Python's `queue.LifoQueue`): the same
 * queue, taking the most recently added item first.
 *
 * @example
 * ```ts
 * import { LifoQueue } from 'weft/queue';
 * const q = new LifoQueue<number>();
 * for (const n of [1, 2, 3]) q.putNowait(n);
 * console.log(q.getNowait(), q.getNowait(), q.getNowait()); // 3 2 1
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  /** @internal */
  static override readonly _sharedType: string = 'LifoQueue';

  protected override _get(): number {
    return this._slots.pop();
  }
}

defineShared('LifoQueue', (d) => new LifoQueue(undefined, d));
