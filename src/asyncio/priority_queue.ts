import { checkFunction } from '../_internal/validate.js';
import { pythonCompare } from './_compare.js';
import { Heap } from './_heap.js';
import { Queue, type QueueOptions } from './queue.js';

/**
 * Options of {@link PriorityQueue}.
 *
 * @example
 * ```ts
 * import { PriorityQueue, type PriorityQueueOptions } from 'weft/asyncio';
 * const opts: PriorityQueueOptions<string> = { maxsize: 10, compare: (a, b) => a.length - b.length };
 * const q = new PriorityQueue<string>(opts);
 * ```
 */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders items: negative if `a` comes out first. The default follows Python's comparison:
   * numbers, strings, and arrays (tuples) element by element.
   */
  compare?: ((a: T, b: T) => number) | undefined;
}

/**
 * A {@link Queue} that gives the smallest item first (Python's `asyncio.PriorityQueue`), a
 * min-heap. Items compare as Python compares them — numbers, strings, and arrays
 * lexicographically, so `[priority, data]` pairs work like Python's tuples — unless a
 * `compare` function is given. Items that cannot be compared make `put` throw
 * `ArgumentTypeError` (Python's `TypeError`).
 *
 * @example
 * ```ts
 * import { PriorityQueue } from 'weft/asyncio';
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, 'write']);
 * q.putNowait([1, 'read']);
 * console.log(q.getNowait()); // [1, 'read']
 * const byLength = new PriorityQueue<string>({ compare: (a, b) => a.length - b.length });
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  declare private _heap: Heap<T>;

  constructor(options?: PriorityQueueOptions<T>) {
    super(options);
  }

  protected override _optionNames(): readonly string[] {
    return ['maxsize', 'compare'];
  }

  protected override _init(options: PriorityQueueOptions<T>): void {
    const compare =
      options.compare === undefined
        ? pythonCompare
        : checkFunction<(a: T, b: T) => number>(options.compare, 'compare');
    this._heap = new Heap<T>(compare);
  }

  protected override _put(item: T): void {
    this._heap.push(item);
  }

  protected override _get(): T {
    return this._heap.pop();
  }

  protected override _qsize(): number {
    return this._heap.length;
  }
}
