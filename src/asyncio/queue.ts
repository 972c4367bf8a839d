import { scopeSignal } from '../_internal/cancellation.js';
import {
  checkQueueOptions,
  checkShutdownOptions,
  type QueueOptions,
  type ShutdownOptions,
  untilShutDown,
} from '../_internal/queue_common.js';
import { checkWaitOptions, type WaitOptions } from '../_internal/validate.js';
import { Empty, Full, ShutDown, ValueError } from '../errors.js';
import { Ring } from './_ring.js';
import { park, resolveFalse, type Waiter, WaiterList } from './_waiter.js';

export type { QueueOptions, ShutdownOptions } from '../_internal/queue_common.js';

const RESOLVED = Promise.resolve();
const TRUE = Promise.resolve(true);

function failFull(waiter: Waiter<void>): void {
  waiter.reject(new Full('queue is full'));
}

function failEmpty(waiter: Waiter<any>): void {
  waiter.reject(new Empty('queue is empty'));
}

function shutDown(): ShutDown {
  return new ShutDown('queue is shut down');
}

/**
 * A FIFO queue for tasks of one event loop (Python's `asyncio.Queue`, with 3.13's
 * `shutdown`). `put` waits while a bounded queue is full, `get` while it is empty, both in
 * FIFO order with direct handoff; `taskDone`/`join` track unfinished items; `for await`
 * takes items until the queue is shut down and drained.
 *
 * Subclasses change the order by overriding the storage hooks `_init`, `_put`, `_get` and
 * `_qsize`, as in CPython ({@link LifoQueue}, {@link PriorityQueue}).
 *
 * @example
 * ```ts
 * import { Queue, createTask } from 'weft/asyncio';
 * const q = new Queue<number>({ maxsize: 2 });
 * const consumer = createTask(async () => {
 *   for await (const n of q) { console.log('got', n); q.taskDone(); }
 * });
 * for (const n of [1, 2, 3]) await q.put(n);
 * await q.join(); // every item processed
 * q.shutdown();
 * await consumer;
 * ```
 */
export class Queue<T = unknown> implements AsyncIterable<T> {
  readonly #maxsize: number;
  readonly #getters = new WaiterList<T>();
  readonly #putters = new WaiterList<void>();
  readonly #joiners = new WaiterList<boolean>();
  #unfinished = 0;
  #shutdown = false;
  declare private _ring: Ring<T>;

  constructor(options?: QueueOptions) {
    const { maxsize, options: opts } = checkQueueOptions(options, this._optionNames());
    this.#maxsize = maxsize;
    this._init(opts);
  }

  /** The option keys the constructor accepts (a subclass adds its own). */
  protected _optionNames(): readonly string[] {
    return ['maxsize'];
  }

  /** Creates the storage (called by the constructor). */
  protected _init(_options: QueueOptions): void {
    this._ring = new Ring<T>();
  }

  /** Stores one item. */
  protected _put(item: T): void {
    this._ring.push(item);
  }

  /** Removes and returns the next item (the queue is not empty). */
  protected _get(): T {
    return this._ring.shift();
  }

  /** How many items are stored. */
  protected _qsize(): number {
    return this._ring.length;
  }

  /** The capacity given at construction (`0` or less: unbounded). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** How many items are queued. */
  qsize(): number {
    return this._qsize();
  }

  /** Whether no item is queued. */
  empty(): boolean {
    return this._qsize() === 0;
  }

  /** Whether a bounded queue has no room. */
  full(): boolean {
    return this.#maxsize > 0 && this._qsize() >= this.#maxsize;
  }

  /** Queues an item, or hands it straight to the longest-waiting getter. */
  #add(item: T): void {
    if (!this.#getters.grant(item)) this._put(item);
    this.#unfinished++;
  }

  /** Takes the next item and lets the longest-waiting putter in. */
  #take(): T {
    const item = this._get();
    const putter = this.#putters.shift();
    if (putter !== null) {
      try {
        this.#add(putter.data as T);
        putter.settle(undefined);
      } catch (err) {
        putter.fail(err); // an item the storage refused (a PriorityQueue's incomparable item)
      }
    }
    return item;
  }

  /**
   * Puts `item`, waiting while the queue is full. Rejects with `ShutDown` once the queue is
   * shut down (even with room), `Full` if `timeout` passed first, or the signal's reason.
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    if (options === undefined) {
      if (!this.#shutdown && !this.full()) {
        this.#add(item);
        return RESOLVED;
      }
      if (this.#shutdown) return Promise.reject(shutDown());
      return park(this.#putters, undefined, undefined, scopeSignal(), failFull, item);
    }
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#shutdown) return Promise.reject(shutDown());
    if (!this.full()) {
      this.#add(item);
      return RESOLVED;
    }
    return park(this.#putters, timeout, signal, scopeSignal(), failFull, item);
  }

  /** Puts `item` without waiting: throws `Full` if there is no room, `ShutDown` after shutdown. */
  putNowait(item: T): void {
    if (this.#shutdown) throw shutDown();
    if (this.full()) throw new Full('queue is full');
    this.#add(item);
  }

  /**
   * Takes the next item, waiting while the queue is empty. Rejects with `ShutDown` once the
   * queue is shut down and empty, `Empty` if `timeout` passed first, or the signal's reason.
   */
  get(options?: WaitOptions): Promise<T> {
    if (options === undefined) {
      if (this._qsize() > 0) return Promise.resolve(this.#take());
      if (this.#shutdown) return Promise.reject(shutDown());
      return park(this.#getters, undefined, undefined, scopeSignal(), failEmpty);
    }
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this._qsize() > 0) return Promise.resolve(this.#take());
    if (this.#shutdown) return Promise.reject(shutDown());
    return park(this.#getters, timeout, signal, scopeSignal(), failEmpty);
  }

  /** Takes the next item without waiting: throws `Empty` (or `ShutDown` once shut down). */
  getNowait(): T {
    if (this._qsize() > 0) return this.#take();
    if (this.#shutdown) throw shutDown();
    throw new Empty('queue is empty');
  }

  /**
   * Marks one item taken with `get` as processed. Throws `ValueError` if called more times
   * than items were put.
   */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new ValueError('taskDone() called too many times');
    if (--this.#unfinished === 0) this.#joiners.grantAll(true);
  }

  /**
   * Waits until every item put has been marked done with `taskDone`. Resolves `true`, or
   * `false` if `timeout` passed first.
   */
  join(options?: WaitOptions): Promise<boolean> {
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#unfinished === 0) return TRUE;
    return park(this.#joiners, timeout, signal, scopeSignal(), resolveFalse);
  }

  /**
   * Shuts the queue down (Python 3.13): `put` fails with `ShutDown` from now on, `get` once
   * the queue is empty, and every blocked `put`/`get` wakes with `ShutDown`. With
   * `immediate`, the queued items are dropped and the unfinished count lowered by as many
   * (waking `join` if it reaches zero).
   */
  shutdown(options?: ShutdownOptions): void {
    const immediate = checkShutdownOptions(options);
    this.#shutdown = true;
    if (immediate) {
      while (this._qsize() > 0) {
        this._get();
        if (this.#unfinished > 0) this.#unfinished--;
      }
      if (this.#unfinished === 0) this.#joiners.grantAll(true);
    }
    this.#getters.failAll(shutDown);
    this.#putters.failAll(shutDown);
  }

  /** Whether `shutdown()` was called. */
  isShutDown(): boolean {
    return this.#shutdown;
  }

  /** Takes items until the queue is shut down and empty (it does not call `taskDone`). */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilShutDown(() => this.get());
  }
}
