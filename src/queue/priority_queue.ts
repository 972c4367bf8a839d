/**
 * `PriorityQueue` (Python's `queue.PriorityQueue`) for real threads: a binary min-heap over
 * the queue's shared storage.
 */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import { checkQueueOptions } from '../_internal/queue_common.js';
import { pythonCompare } from '../asyncio/_compare.js';
import { fromSource, toSourceRef } from '../runtime/task_ref.js';
import { MAXSIZE_LIMIT } from './_base_queue.js';
import { Queue, type QueueOptions } from './queue.js';

/**
 * Options of {@link PriorityQueue}.
 *
 * @example
 * ```ts
 * import { PriorityQueue, type PriorityQueueOptions } from 'weft/queue';
 * const opts: PriorityQueueOptions<string> = {
 *   maxsize: 10,
 *   compare: (a, b) => a.length - b.length, // self-contained: uses only its arguments
 * };
 * const q = new PriorityQueue<string>(opts);
 * ```
 */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders items: negative if `a` comes out first. The default follows Python's comparison:
   * numbers, strings, and arrays (tuples) element by element.
   *
   * Every thread that uses the queue orders its items, so the function crosses threads with
   * it, as source text rebuilt in each thread: it must be self-contained, using only its
   * arguments and globals (a function that uses a variable from around it, even of its own
   * module, is refused at construction, naming the variable).
   */
  compare?: ((a: T, b: T) => number) | undefined;
}

/**
 * A {@link Queue} shared by threads that gives the smallest item first (Python's
 * `queue.PriorityQueue`), a min-heap. Items compare as Python compares them — numbers,
 * strings, and arrays lexicographically, so `[priority, data]` pairs work like Python's
 * tuples — unless a self-contained `compare` function is given. An item that cannot be
 * compared with those queued makes `put` throw `ArgumentTypeError` (Python's `TypeError`),
 * and nothing is stored.
 *
 * @example
 * ```ts
 * import { PriorityQueue } from 'weft/queue';
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, 'write']);
 * q.putNowait([1, 'read']);
 * console.log(q.getNowait()); // [1, 'read']
 * const byLength = new PriorityQueue<string>({ compare: (a, b) => a.length - b.length });
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /** @internal */
  static override readonly _sharedType: string = 'PriorityQueue';
  readonly #compare: (a: T, b: T) => number;

  constructor(options?: PriorityQueueOptions<T>, descriptor?: Descriptor) {
    let compare: ((a: T, b: T) => number) | undefined;
    let ref: ReturnType<typeof toSourceRef> | undefined;
    if (!descriptor) {
      const checked = checkQueueOptions(options, ['maxsize', 'compare'], MAXSIZE_LIMIT);
      if (checked.options.compare !== undefined) {
        ref = toSourceRef(checked.options.compare, 'compare');
        compare = checked.options.compare;
      }
      options = { maxsize: checked.maxsize };
    }
    super(options, descriptor);
    if (ref) this._extra.compare = ref;
    const shared = this._extra.compare;
    this.#compare =
      compare ??
      (shared ? (fromSource(shared) as (a: T, b: T) => number) : (pythonCompare as never));
  }

  #less(a: T, b: T): boolean {
    return this.#compare(a, b) < 0;
  }

  /**
   * Sifts the new record up from the end. Comparisons run before anything moves, so an item
   * that does not compare leaves the heap as it was.
   */
  protected override _put(at: number): void {
    const slots = this._slots;
    const item = this._item(at);
    let target = slots.length;
    while (target > 0) {
      const parent = (target - 1) >> 1;
      if (!this.#less(item, this._item(slots.at(parent)))) break;
      target = parent;
    }
    slots.push(at);
    for (let i = slots.length - 1; i > target; ) {
      const parent = (i - 1) >> 1;
      slots.set(i, slots.at(parent));
      i = parent;
    }
    slots.set(target, at);
  }

  /**
   * Takes the root and sifts the last record down from the top, finding its path before
   * moving anything, as {@link _put} does.
   */
  protected override _get(): number {
    const slots = this._slots;
    const root = slots.at(0);
    const n = slots.length - 1;
    if (n === 0) return slots.pop();
    const last = slots.at(n);
    const item = this._item(last);
    const path: number[] = [];
    for (let i = 0; ; ) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let childItem = this._item(slots.at(child));
      if (child + 1 < n) {
        const right = this._item(slots.at(child + 1));
        if (this.#less(right, childItem)) {
          child++;
          childItem = right;
        }
      }
      if (!this.#less(childItem, item)) break;
      path.push(child);
      i = child;
    }
    slots.pop();
    let hole = 0;
    for (const child of path) {
      slots.set(hole, slots.at(child));
      hole = child;
    }
    slots.set(hole, last);
    return root;
  }
}

defineShared('PriorityQueue', (d) => new PriorityQueue(undefined, d));
