/**
 * What every cross-thread queue shares: its items in shared memory, one lock around them and
 * condition variables to wait on, as in CPython's `queue.Queue` (a mutex with `not_empty`,
 * `not_full` and `all_tasks_done`). The variants differ only in the storage hooks `_put`,
 * `_get` and `_qsize` over the shared storage.
 *
 * Every operation is one algorithm written as a generator of waits ({@link Steps}): the
 * Promise forms drive it with `Atomics.waitAsync`, the `*Sync` forms with `Atomics.wait`. A
 * fast path tries the lock once and does the work when nothing needs waiting for.
 * @internal
 */
import { type Descriptor, reviveDescriptor, SharedObject } from '../_internal/handle.js';
import {
  abortReason,
  assertMayBlock,
  deadlineOf,
  remaining,
  runAsync,
  runSync,
  type Steps,
} from '../_internal/park.js';
import { currentIdent } from '../_internal/registry.js';
import { spinUntil } from '../_internal/spin.js';
import { checkWaitOptions, type WaitOptions } from '../_internal/validate.js';
import { Empty, Full, ShutDown, ValueError } from '../errors.js';
import type { TaskRef } from '../runtime/task_ref.js';
import { Condition } from '../shared/condition.js';
import { Lock } from '../shared/lock.js';
import { decodeItem, encodedBytes, encodeItem, ownBytes } from './_codec.js';
import { newRecordBuffer, RECORD_WORDS, Records } from './_records.js';
import { SLOT_WORDS, Slots } from './_slots.js';

/**
 * Layout of the control buffer (Int32 words, then one Float64):
 *
 * | word | name | meaning and ordering |
 * |---|---|---|
 * | 0 | UID | registry uid (constant) |
 * | 1 | MAXSIZE | the capacity given at construction, ≤ 0 for none (constant) |
 * | 2 | TRACKS | 1 if the queue counts unfinished tasks (constant; 0 for SimpleQueue) |
 * | 3 | SHUTDOWN | 1 once shut down. Set under the lock with `Atomics.store`, before the conditions are notified; read under the lock, or with `Atomics.load` by a spinning taker |
 * | 4 … | slots | the order of the items: {@link Slots} (HEAD, COUNT, CAP, RING) |
 * | … | records | the storage's allocator: {@link Records} (TOP, SIZE, FREE[k]) |
 * | f64 | UNFINISHED | items put and not yet marked done; plain, under the lock |
 *
 * The lock (a `Lock`) and the conditions over it (`notFull` only when bounded,
 * `allTasksDone` only when counting tasks) have buffers of their own. A waiter
 * holds the lock while it checks, and a condition's `_waitSteps` releases it while sleeping:
 * a change made under the lock and then notified is never missed. Notifying a condition
 * nobody waits on is a plain read of its (empty) waiter list, so a put or get that finds
 * nobody waiting costs no futex call at all.
 */
const UID = 0;
const MAXSIZE = 1;
const TRACKS = 2;
const SHUTDOWN = 3;
const SLOTS_AT = 4;
const RECORDS_AT = SLOTS_AT + SLOT_WORDS;
const UNFINISHED = Math.ceil((RECORDS_AT + RECORD_WORDS) / 2);
const CTL_BYTES = (UNFINISHED + 1) * 8;

/** The largest capacity the MAXSIZE word holds. */
export const MAXSIZE_LIMIT = 0x7fffffff;

/** What a queue's descriptor carries besides its control buffer. */
export interface QueueExtra {
  lock: Descriptor;
  notEmpty: Descriptor;
  /** Only a bounded queue has one. */
  notFull?: Descriptor | undefined;
  /** Only a queue that counts unfinished tasks has one. */
  allTasksDone?: Descriptor | undefined;
  records: SharedArrayBuffer;
  /** A PriorityQueue's ordering, when it is not the built-in one. */
  compare?: TaskRef | undefined;
}

/** What a new queue is. */
export interface QueueSetup {
  maxsize: number;
  tracksTasks: boolean;
}

const NOTHING: unique symbol = Symbol('nothing');
const RESOLVED = Promise.resolve();

const shutDown = (): ShutDown => new ShutDown('queue is shut down');
const full = (): Full => new Full('queue is full');
const empty = (): Empty => new Empty('queue is empty');
const raiseFull = (): never => {
  throw full();
};
const raiseEmpty = (): never => {
  throw empty();
};

/** The name of a queue class for messages (`Queue.getSync()`). */
function nameOf(q: object): string {
  return (q.constructor as { _sharedType?: string })._sharedType ?? 'Queue';
}

export abstract class BaseQueue<T> extends SharedObject {
  /** @internal The type its descriptor carries: each weft queue class sets its own. */
  static readonly _sharedType: string = 'Queue';

  readonly #ctl: Int32Array;
  readonly #unfinished: Float64Array;
  readonly #lock: Lock;
  readonly #notEmpty: Condition;
  readonly #notFull: Condition | undefined;
  readonly #allTasksDone: Condition | undefined;
  readonly #records: Records;
  readonly #bounded: boolean;
  readonly #tracks: boolean;
  /** @internal The order of the items, for the storage hooks. */
  protected readonly _slots: Slots;

  /** A new queue set up as `setup` says, or the live one for `descriptor`. */
  protected constructor(setup: QueueSetup | undefined, descriptor: Descriptor | undefined) {
    const ctl = descriptor?.buffer ?? new SharedArrayBuffer(CTL_BYTES);
    let extra = descriptor?.extra as QueueExtra | undefined;
    if (!extra) {
      // Only the conditions the queue can wait on: each is a buffer and two objects.
      const lock = new Lock();
      extra = {
        lock: lock.$weft,
        notEmpty: new Condition(lock).$weft,
        notFull: setup!.maxsize > 0 ? new Condition(lock).$weft : undefined,
        allTasksDone: setup!.tracksTasks ? new Condition(lock).$weft : undefined,
        records: newRecordBuffer(),
      };
    }
    super((new.target as unknown as typeof BaseQueue)._sharedType, ctl, extra, descriptor);
    this.#ctl = new Int32Array(ctl);
    this.#unfinished = new Float64Array(ctl);
    this.#lock = reviveDescriptor<Lock>(extra.lock);
    this.#notEmpty = reviveDescriptor<Condition>(extra.notEmpty);
    this.#notFull = extra.notFull && reviveDescriptor<Condition>(extra.notFull);
    this.#allTasksDone = extra.allTasksDone && reviveDescriptor<Condition>(extra.allTasksDone);
    this.#records = new Records(extra.records, this.#ctl, RECORDS_AT);
    this._slots = new Slots(this.#records, this.#ctl, SLOTS_AT);
    if (setup) {
      this.#ctl[UID] = this.$weft.uid;
      this.#ctl[MAXSIZE] = setup.maxsize;
      this.#ctl[TRACKS] = setup.tracksTasks ? 1 : 0;
      this.#records.init();
      this._slots.init();
    }
    this.#bounded = this.#ctl[MAXSIZE]! > 0;
    this.#tracks = this.#ctl[TRACKS] === 1;
  }

  /** @internal What the descriptor carries, for a subclass that shares more (a PriorityQueue's order). */
  protected get _extra(): QueueExtra {
    return this.$weft.extra as QueueExtra;
  }

  // --- storage hooks (called with the lock held) -----------------------------------------

  /** @internal Adds the record at offset `at` to the order (FIFO: at the back). */
  protected _put(at: number): void {
    this._slots.push(at);
  }

  /** @internal Removes and returns the next record's offset (FIFO: the front); the queue is not empty. */
  protected _get(): number {
    return this._slots.shift();
  }

  /** @internal How many items are stored; safe without the lock. */
  protected _qsize(): number {
    return this._slots.length;
  }

  /** @internal The item stored at offset `at`, rebuilt (a PriorityQueue compares items). */
  protected _item(at: number): T {
    return decodeItem(this.#records, this.#records.bytesOf(at)) as T;
  }

  // --- under the lock --------------------------------------------------------------------

  #isShutDown(): boolean {
    return Atomics.load(this.#ctl, SHUTDOWN) === 1;
  }

  #isFull(): boolean {
    return this.#bounded && this._qsize() >= this.#ctl[MAXSIZE]!;
  }

  /** Stores the `n` bytes of `src` unless the queue is full (then false). Throws ShutDown. */
  #tryPutHeld(src: Uint8Array, n: number): boolean {
    if (this.#isShutDown()) throw shutDown();
    if (this.#isFull()) return false;
    const at = this.#records.store(src, n);
    try {
      this._put(at);
    } catch (err) {
      this.#records.free(at);
      throw err;
    }
    if (this.#tracks) this.#unfinished[UNFINISHED]! += 1;
    this.#notEmpty._notifyHeld(1);
    return true;
  }

  /** Takes the next item, or NOTHING if there is none. Throws ShutDown once shut down and empty. */
  #tryGetHeld(): T | typeof NOTHING {
    if (this._qsize() === 0) {
      if (this.#isShutDown()) throw shutDown();
      return NOTHING;
    }
    const at = this._get();
    const item = this._item(at);
    this.#records.free(at);
    this.#notFull?._notifyHeld(1);
    return item;
  }

  /** Runs `fn` holding the lock, blocking briefly if another thread is inside. */
  #withLock<R>(fn: () => R): R {
    this.#lock._acquireBlocking();
    try {
      return fn();
    } finally {
      this.#lock.release();
    }
  }

  // --- the algorithms --------------------------------------------------------------------

  *#lockSteps(me: number): Steps<void> {
    if (!this.#lock._tryAcquire(me)) yield* this.#lock._acquireRestoreSteps(me, 1);
  }

  /**
   * The one wait loop of every operation: holding the lock, tries `attempt` until it gives
   * something other than NOTHING, sleeping on `cond` in between (which releases the lock);
   * once the deadline has passed, gives what `timedOut` gives (or throws what it throws).
   */
  *#until<R>(
    cond: Condition,
    attempt: () => R | typeof NOTHING,
    timedOut: () => R,
    deadline: number | undefined,
    me: number,
  ): Steps<R> {
    yield* this.#lockSteps(me);
    try {
      for (;;) {
        const result = attempt();
        if (result !== NOTHING) return result;
        if (remaining(deadline) === 0) return timedOut();
        yield* cond._waitSteps(me, deadline);
      }
    } finally {
      this.#lock.release();
    }
  }

  #putSteps(src: Uint8Array, n: number, deadline: number | undefined, me: number): Steps<void> {
    return this.#until(
      this.#notFull!, // only a bounded queue is ever full
      () => (this.#tryPutHeld(src, n) ? undefined : NOTHING),
      raiseFull,
      deadline,
      me,
    );
  }

  #getSteps(deadline: number | undefined, me: number): Steps<T> {
    return this.#until(this.#notEmpty, () => this.#tryGetHeld(), raiseEmpty, deadline, me);
  }

  #joinSteps(deadline: number | undefined, me: number): Steps<boolean> {
    return this.#until(
      this.#allTasksDone!, // only a queue that counts tasks has them to wait for
      () => (this.#unfinished[UNFINISHED]! > 0 ? NOTHING : true),
      () => false,
      deadline,
      me,
    );
  }

  // --- the operations --------------------------------------------------------------------

  /**
   * Puts `item`, waiting while a bounded queue is full; resolves once it is queued. Rejects
   * with `ShutDown` once the queue is shut down (even with room), `Full` if `timeout` passed
   * first (`{ timeout: 0 }`: do not wait), or the signal's reason. An item that cannot cross
   * (see the guide) rejects with `ArgumentTypeError` and nothing is stored.
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    try {
      const { timeout, signal } = checkWaitOptions(options);
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      const n = encodeItem(item);
      const me = currentIdent();
      if (this.#lock._tryAcquire(me)) {
        let stored: boolean;
        try {
          stored = this.#tryPutHeld(encodedBytes(), n);
        } finally {
          this.#lock.release();
        }
        if (stored) return RESOLVED;
        if (timeout === 0) return Promise.reject(full());
      }
      return runAsync(this.#putSteps(ownBytes(n), n, deadlineOf(timeout), me), signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Like {@link put}, blocking the calling thread; throws what `put` rejects with. */
  putSync(item: T, options?: WaitOptions): void {
    assertMayBlock(`${nameOf(this)}.putSync()`);
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) throw abortReason(signal);
    const deadline = deadlineOf(timeout);
    const n = encodeItem(item);
    const src = encodedBytes();
    if (this.#withLock(() => this.#tryPutHeld(src, n))) return;
    if (timeout === 0) throw full();
    if (spinUntil(() => !this.#isFull() || this.#isShutDown())) {
      if (this.#withLock(() => this.#tryPutHeld(src, n))) return;
    }
    runSync(this.#putSteps(src, n, deadline, currentIdent()), signal);
  }

  /** Puts `item` without waiting: throws `Full` if a bounded queue has no room, `ShutDown` after shutdown. */
  putNowait(item: T): void {
    const n = encodeItem(item);
    const src = encodedBytes();
    if (!this.#withLock(() => this.#tryPutHeld(src, n))) throw full();
  }

  /**
   * Takes the next item, waiting while the queue is empty. Rejects with `ShutDown` once the
   * queue is shut down and empty, `Empty` if `timeout` passed first (`{ timeout: 0 }`: do not
   * wait), or the signal's reason.
   */
  get(options?: WaitOptions): Promise<T> {
    try {
      const { timeout, signal } = checkWaitOptions(options);
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      const me = currentIdent();
      if (this.#lock._tryAcquire(me)) {
        let item: T | typeof NOTHING;
        try {
          item = this.#tryGetHeld();
        } finally {
          this.#lock.release();
        }
        if (item !== NOTHING) return Promise.resolve(item);
        if (timeout === 0) return Promise.reject(empty());
      }
      return runAsync(this.#getSteps(deadlineOf(timeout), me), signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Like {@link get}, blocking the calling thread; throws what `get` rejects with. */
  getSync(options?: WaitOptions): T {
    assertMayBlock(`${nameOf(this)}.getSync()`);
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) throw abortReason(signal);
    const deadline = deadlineOf(timeout);
    let item = this.#withLock(() => this.#tryGetHeld());
    if (item !== NOTHING) return item;
    if (timeout === 0) throw empty();
    if (spinUntil(() => this._qsize() > 0 || this.#isShutDown())) {
      item = this.#withLock(() => this.#tryGetHeld());
      if (item !== NOTHING) return item;
    }
    return runSync(this.#getSteps(deadline, currentIdent()), signal);
  }

  /** Takes the next item without waiting: throws `Empty` if there is none (`ShutDown` once shut down and empty). */
  getNowait(): T {
    const item = this.#withLock(() => this.#tryGetHeld());
    if (item === NOTHING) throw empty();
    return item;
  }

  /** How many items are queued (a snapshot: other threads may change it at once). */
  qsize(): number {
    return this._qsize();
  }

  /** Whether no item is queued (a snapshot). */
  empty(): boolean {
    return this._qsize() === 0;
  }

  // --- for Queue: capacity, tasks and shutdown -------------------------------------------

  /** @internal The capacity given at construction. */
  protected _maxsize(): number {
    return this.#ctl[MAXSIZE]!;
  }

  /** @internal Whether a bounded queue is at capacity (a snapshot). */
  protected _full(): boolean {
    return this.#isFull();
  }

  /** @internal Marks one task done; throws ValueError if none is unfinished. */
  protected _taskDone(): void {
    this.#withLock(() => {
      const left = this.#unfinished[UNFINISHED]! - 1;
      if (left < 0) throw new ValueError('task_done() called too many times');
      this.#unfinished[UNFINISHED] = left;
      if (left === 0) this.#allTasksDone?._notifyHeld(Number.POSITIVE_INFINITY);
    });
  }

  /** @internal Items put and not yet marked done. */
  protected _unfinishedTasks(): number {
    return this.#withLock(() => this.#unfinished[UNFINISHED]!);
  }

  /** @internal Waits until no task is unfinished; resolves false if `timeout` passed first. */
  protected _join(options: WaitOptions | undefined): Promise<boolean> {
    try {
      const { timeout, signal } = checkWaitOptions(options);
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      return runAsync(this.#joinSteps(deadlineOf(timeout), currentIdent()), signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** @internal Like {@link _join}, blocking. */
  protected _joinSync(options: WaitOptions | undefined): boolean {
    assertMayBlock(`${nameOf(this)}.joinSync()`);
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) throw abortReason(signal);
    return runSync(this.#joinSteps(deadlineOf(timeout), currentIdent()), signal);
  }

  /** @internal Shuts down (Python 3.13); with `immediate`, drops the items and their unfinished tasks. */
  protected _shutdown(immediate: boolean): void {
    this.#withLock(() => {
      Atomics.store(this.#ctl, SHUTDOWN, 1);
      if (immediate) {
        const slots = this._slots;
        while (slots.length > 0) {
          this.#records.free(slots.pop());
          if (this.#unfinished[UNFINISHED]! > 0) this.#unfinished[UNFINISHED]! -= 1;
        }
        this.#allTasksDone?._notifyHeld(Number.POSITIVE_INFINITY);
      }
      this.#notEmpty._notifyHeld(Number.POSITIVE_INFINITY);
      this.#notFull?._notifyHeld(Number.POSITIVE_INFINITY);
    });
  }

  /** @internal Whether the queue was shut down. */
  protected _isShutDown(): boolean {
    return this.#isShutDown();
  }

  protected describe(): string {
    const max = this.#ctl[MAXSIZE]!;
    return (
      `<${this.$weft.type} #${this.#ctl[UID]} qsize=${this._qsize()}` +
      `${max > 0 ? ` maxsize=${max}` : ''}${this.#isShutDown() ? ' shut down' : ''}>`
    );
  }
}
