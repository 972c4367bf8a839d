/**
 * `Condition` (Python's `threading.Condition`) for real threads: wait until notified, with
 * a lock held around the check, across threads.
 */

import { notify as futexNotify } from '../_internal/futex.js';
import {
  type Descriptor,
  defineShared,
  reviveDescriptor,
  SharedObject,
} from '../_internal/handle.js';
import {
  assertMayBlock,
  deadlineOf,
  remaining,
  runAsync,
  runSync,
  type Steps,
  slice,
} from '../_internal/park.js';
import { currentIdent } from '../_internal/registry.js';
import type { Releaser } from '../_internal/releaser.js';
import {
  checkFunction,
  checkInt,
  checkWaitOptions,
  type WaitOptions,
} from '../_internal/validate.js';
import { RuntimeError } from '../errors.js';
import type { AcquireOptions, Lock } from './lock.js';
import type { Acquired } from './mutex.js';
import { RLock } from './rlock.js';

/** What a Condition needs of its lock (both `Lock` and `RLock` provide it). */
export interface ConditionLock extends SharedObject {
  acquire(options?: AcquireOptions): Promise<Releaser | false>;
  acquireSync(options?: AcquireOptions): Releaser | false;
  release(): void;
  _isOwned(): boolean;
  _releaseSave(): number;
  _acquireRestoreSteps(me: number, saved: number): Steps<Acquired>;
}

/**
 * Layout of the condition's growable buffer. The waiter queue is a FIFO linked list of slots;
 * every word except a slot's STATE is read and written (plain) only by threads holding the
 * condition's lock, so the list needs no atomics.
 *
 * | word | name | meaning |
 * |---|---|---|
 * | 0 | HEAD | first waiting slot + 1 (0: none) |
 * | 1 | TAIL | last waiting slot + 1 |
 * | 2 | FREE | first free slot + 1 (free list through NEXT) |
 * | 3 | USED | slots ever allocated (the buffer grows to hold them) |
 * | 4 | UID | registry uid |
 * | 8 + 2k | STATE of slot k | WAITING, then NOTIFIED. The notifier stores NOTIFIED (`Atomics.store`) and then notifies every waiter on the word (only the slot's owner, and possibly an abandoned wait of a former owner, sleep there); the waiter sleeps on it expecting WAITING. |
 * | 9 + 2k | NEXT of slot k | next slot + 1 in the waiting list or the free list |
 *
 * A waiter owns its slot from `wait` until it has re-acquired the lock and freed it, so a
 * notification always lands on a live waiter: notify(n) wakes exactly n (or all) waiters,
 * FIFO, with no spurious wakeups, and a waiter that times out is unlinked and never counted.
 */
const HEAD = 0;
const TAIL = 1;
const FREE = 2;
const USED = 3;
const UID = 4;
const SLOTS = 8;
const WAITING = 1;
const NOTIFIED = 2;
const INITIAL_SLOTS = 16;
/** Most threads that can wait on one condition at once. */
export const MAX_WAITERS = 1 << 16;

function bytesFor(slots: number): number {
  return (SLOTS + 2 * slots) * 4;
}

/**
 * A condition variable in shared memory, bound to a `Lock` or `RLock` (a new `RLock` by
 * default, like Python).
 *
 * `wait()` and `waitFor()` return Promises; `waitSync()` and `waitForSync()` block the
 * calling thread. Both take `{ timeout, signal }`. Wakeups are FIFO and exact: `notify(n)`
 * wakes the n longest waiting threads and no others.
 *
 * @example
 * ```ts
 * import { Condition } from 'weft/threading';
 *
 * const cond = new Condition();
 * // consumer (async form)
 * {
 *   using _ = await cond.acquire();
 *   await cond.waitFor(() => items.length > 0);
 *   take(items);
 * }
 * // producer (blocking form, inside a thread)
 * {
 *   using _ = cond.acquireSync();
 *   put(items);
 *   cond.notify();
 * }
 * ```
 */
export class Condition extends SharedObject {
  readonly #buffer: SharedArrayBuffer;
  readonly #w: Int32Array;
  /** The lock this condition uses. */
  readonly lock: ConditionLock;

  constructor(lock?: Lock | RLock, descriptor?: Descriptor) {
    const buffer =
      descriptor?.buffer ??
      new SharedArrayBuffer(bytesFor(INITIAL_SLOTS), { maxByteLength: bytesFor(MAX_WAITERS) });
    const theLock: ConditionLock = descriptor
      ? reviveDescriptor<ConditionLock>(descriptor.extra as Descriptor)
      : ((lock as ConditionLock | undefined) ?? new RLock());
    if (
      !descriptor &&
      lock !== undefined &&
      typeof (lock as Partial<ConditionLock>)._releaseSave !== 'function'
    ) {
      throw new TypeError('lock must be a weft/threading Lock or RLock');
    }
    super('Condition', buffer, theLock.$weft, descriptor);
    this.#buffer = buffer;
    this.#w = new Int32Array(buffer);
    this.lock = theLock;
    if (!descriptor) this.#w[UID] = this.$weft.uid;
  }

  /** Acquires the underlying lock (see `Lock.acquire`). */
  acquire(options?: { signal?: AbortSignal | undefined }): Promise<Releaser>;
  acquire(options: AcquireOptions): Promise<Releaser | false>;
  acquire(options?: AcquireOptions): Promise<Releaser | false> {
    try {
      return this.lock.acquire(options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Acquires the underlying lock, blocking (see `Lock.acquireSync`). */
  acquireSync(options?: { signal?: AbortSignal | undefined }): Releaser;
  acquireSync(options: AcquireOptions): Releaser | false;
  acquireSync(options?: AcquireOptions): Releaser | false {
    return this.lock.acquireSync(options);
  }

  /** Releases the underlying lock. */
  release(): void {
    this.lock.release();
  }

  /**
   * Releases the lock, waits until notified (or `timeout`), re-acquires the lock. Resolves
   * true if notified, false on timeout. The lock is held again even when it rejects.
   */
  wait(options?: WaitOptions): Promise<boolean> {
    try {
      const { timeout, signal } = checkWaitOptions(options);
      this.#checkOwned('wait');
      return runAsync(this._waitSteps(currentIdent(), deadlineOf(timeout)), signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Like {@link wait}, blocking the calling thread. */
  waitSync(options?: WaitOptions): boolean {
    assertMayBlock('Condition.waitSync()');
    const { timeout, signal } = checkWaitOptions(options);
    this.#checkOwned('wait');
    return runSync(this._waitSteps(currentIdent(), deadlineOf(timeout)), signal);
  }

  /**
   * Waits until `predicate()` is true (checked with the lock held), or `timeout` passes.
   * Resolves to the predicate's last value.
   */
  waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    checkFunction(predicate, 'predicate');
    const { timeout, signal } = checkWaitOptions(options);
    this.#checkOwned('wait');
    return runAsync(this.#waitForSteps(predicate, deadlineOf(timeout)), signal);
  }

  /** Like {@link waitFor}, blocking the calling thread. */
  waitForSync<T>(predicate: () => T, options?: WaitOptions): T {
    assertMayBlock('Condition.waitForSync()');
    checkFunction(predicate, 'predicate');
    const { timeout, signal } = checkWaitOptions(options);
    this.#checkOwned('wait');
    return runSync(this.#waitForSteps(predicate, deadlineOf(timeout)), signal);
  }

  /** Wakes up to `n` waiting threads, longest waiting first. The lock must be held. */
  notify(n = 1): void {
    checkInt(n, 'n', 0);
    this.#checkOwned('notify');
    this._notifyHeld(n);
  }

  /** Wakes every waiting thread. The lock must be held. */
  notifyAll(): void {
    this.#checkOwned('notify');
    this._notifyHeld(Number.POSITIVE_INFINITY);
  }

  #checkOwned(what: 'wait' | 'notify'): void {
    if (!this.lock._isOwned()) throw new RuntimeError(`cannot ${what} on un-acquired lock`);
  }

  *#waitForSteps<T>(predicate: () => T, deadline: number | undefined): Steps<T> {
    const me = currentIdent();
    let result = predicate();
    while (!result) {
      if (deadline !== undefined && remaining(deadline) === 0) break;
      yield* this._waitSteps(me, deadline);
      result = predicate();
    }
    return result;
  }

  /** @internal Wakes up to `n` waiters; the caller holds the lock. */
  _notifyHeld(n: number): void {
    const w = this.#w;
    while (n > 0 && w[HEAD] !== 0) {
      const k = w[HEAD]! - 1;
      const next = w[SLOTS + 2 * k + 1]!;
      w[HEAD] = next;
      if (next === 0) w[TAIL] = 0;
      Atomics.store(w, SLOTS + 2 * k, NOTIFIED);
      futexNotify(w, SLOTS + 2 * k);
      n--;
    }
  }

  /** @internal The wait algorithm; the caller holds the lock. */
  *_waitSteps(me: number, deadline: number | undefined): Steps<boolean> {
    const w = this.#w;
    const k = this.#allocate();
    const state = SLOTS + 2 * k;
    Atomics.store(w, state, WAITING);
    w[state + 1] = 0;
    if (w[TAIL] === 0) w[HEAD] = k + 1;
    else w[SLOTS + 2 * (w[TAIL]! - 1) + 1] = k + 1;
    w[TAIL] = k + 1;
    const saved = this.lock._releaseSave();
    let finished = false;
    let notified = false;
    try {
      while (Atomics.load(w, state) === WAITING && remaining(deadline) !== 0) {
        yield { arr: w, index: state, expected: WAITING, timeout: slice(deadline) };
      }
      finished = true;
    } finally {
      yield* this.lock._acquireRestoreSteps(me, saved);
      notified = Atomics.load(w, state) === NOTIFIED;
      if (!notified) this.#unlink(k);
      this.#free(k);
      // Leaving by an error (an aborted signal) after being notified: pass the wakeup on.
      if (!finished && notified) this._notifyHeld(1);
    }
    return notified;
  }

  #allocate(): number {
    const w = this.#w;
    const free = w[FREE]!;
    if (free !== 0) {
      w[FREE] = w[SLOTS + 2 * (free - 1) + 1]!;
      return free - 1;
    }
    const k = w[USED]!;
    if (k >= MAX_WAITERS)
      throw new RuntimeError(`too many threads waiting on one Condition (${MAX_WAITERS})`);
    if (bytesFor(k + 1) > this.#buffer.byteLength) {
      this.#buffer.grow(Math.min(bytesFor(MAX_WAITERS), bytesFor(Math.max(k + 1, 2 * k))));
    }
    w[USED] = k + 1;
    return k;
  }

  #free(k: number): void {
    const w = this.#w;
    Atomics.store(w, SLOTS + 2 * k, 0);
    w[SLOTS + 2 * k + 1] = w[FREE]!;
    w[FREE] = k + 1;
  }

  #unlink(k: number): void {
    const w = this.#w;
    let prev = 0;
    let cur = w[HEAD]!;
    while (cur !== 0 && cur !== k + 1) {
      prev = cur;
      cur = w[SLOTS + 2 * (cur - 1) + 1]!;
    }
    if (cur === 0) return;
    const next = w[SLOTS + 2 * k + 1]!;
    if (prev === 0) w[HEAD] = next;
    else w[SLOTS + 2 * (prev - 1) + 1] = next;
    if (w[TAIL] === k + 1) w[TAIL] = prev;
  }

  protected describe(): string {
    let waiting = 0;
    for (
      let cur = this.#w[HEAD]!;
      cur !== 0 && waiting < MAX_WAITERS;
      cur = this.#w[SLOTS + 2 * (cur - 1) + 1]!
    )
      waiting++;
    return `<Condition #${this.#w[UID]} waiters=${waiting}>`;
  }
}

defineShared('Condition', (d) => new Condition(undefined, d));
