import { Queue, type QueueOptions } from './queue.js';

/**
 * A last-in, first-out {@link Queue} (Python's `asyncio.LifoQueue`): the same queue with a
 * stack for storage.
 *
 * @example
 * ```ts
 * import { LifoQueue } from 'weft/asyncio';
 * const q = new LifoQueue<number>();
 * q.putNowait(1);
 * q.putNowait(2);
 * console.log(q.getNowait(), q.getNowait()); // 2 1
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  declare private _stack: T[];

  protected override _init(_options: QueueOptions): void {
    this._stack = [];
  }

  protected override _put(item: T): void {
    this._stack.push(item);
  }

  protected override _get(): T {
    return this._stack.pop()!;
  }

  protected override _qsize(): number {
    return this._stack.length;
  }
}
