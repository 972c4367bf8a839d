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
import { currentIdent, waiterArena } from '../_internal/registry.js';
import type { Releaser } from '../_internal/releaser.js';
import {
  checkFunction,
  checkInt,
  checkWaitOptions,
  type WaitOptions,
} from '../_internal/validate.js';
import { MAX_SLOTS, WaiterArena } from '../_internal/waiter_arena.js';
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
 * Layout. The waiter queue is a FIFO linked list of slots taken from the process's waiter
 * arena (`_internal/waiter_arena.ts`); the condition's own buffer holds its ends. Every word
 * here, and a slot's NEXT, is read and written (plain) only by threads holding the
 * condition's lock, so the list needs no atomics; a slot's STATE is the exception:
 *
 * | where | name | meaning |
 * |---|---|---|
 * | own word 0 | HEAD | first waiting slot (0: none) |
 * | own word 1 | TAIL | last waiting slot |
 * | own word 2 | UID | registry uid |
 * | arena slot k, STATE | | WAITING, then NOTIFIED. The notifier stores NOTIFIED (`Atomics.store`) and then notifies every waiter on the word (only the slot's owner, and possibly an abandoned wait of a former owner, sleep there); the waiter sleeps on it expecting WAITING. |
 * | arena slot k, NEXT | | the next waiting slot |
 *
 * A waiter owns its slot from `wait` until it has re-acquired the lock and freed it, so a
 * notification always lands on a live waiter: notify(n) wakes exactly n (or all) waiters,
 * FIFO, with no spurious wakeups, and a waiter that times out is unlinked and never counted.
 */
const HEAD = 0;
const TAIL = 1;
const UID = 2;
const WAITING = 1;
const NOTIFIED = 2;

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
  readonly #w: Int32Array;
  /** The lock this condition uses. */
  readonly lock: ConditionLock;

  constructor(lock?: Lock | RLock, descriptor?: Descriptor) {
    const buffer = descriptor?.buffer ?? new SharedArrayBuffer(16);
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
    const own = this.#w;
    if (own[HEAD] === 0) return;
    const a = waiterArena().words();
    while (n > 0 && own[HEAD] !== 0) {
      const k = own[HEAD]!;
      const state = WaiterArena.state(k);
      const next = a[state + 1]!;
      own[HEAD] = next;
      if (next === 0) own[TAIL] = 0;
      Atomics.store(a, state, NOTIFIED);
      futexNotify(a, state);
      n--;
    }
  }

  /** @internal The wait algorithm; the caller holds the lock. */
  *_waitSteps(me: number, deadline: number | undefined): Steps<boolean> {
    const own = this.#w;
    const arena = waiterArena();
    const k = arena.alloc();
    const state = WaiterArena.state(k);
    let a = arena.words();
    Atomics.store(a, state, WAITING);
    a[state + 1] = 0;
    if (own[TAIL] === 0) own[HEAD] = k;
    else a[WaiterArena.state(own[TAIL]!) + 1] = k;
    own[TAIL] = k;
    const saved = this.lock._releaseSave();
    let finished = false;
    let notified = false;
    try {
      while (Atomics.load(a, state) === WAITING && remaining(deadline) !== 0) {
        yield { arr: a, index: state, expected: WAITING, timeout: slice(deadline) };
        a = arena.words();
      }
      finished = true;
    } finally {
      yield* this.lock._acquireRestoreSteps(me, saved);
      a = arena.words();
      notified = Atomics.load(a, state) === NOTIFIED;
      if (!notified) this.#unlink(k);
      Atomics.store(a, state, 0);
      arena.free(k);
      // Leaving by an error (an aborted signal) after being notified: pass the wakeup on.
      if (!finished && notified) this._notifyHeld(1);
    }
    return notified;
  }

  #unlink(k: number): void {
    const own = this.#w;
    const a = waiterArena().words();
    let prev = 0;
    let cur = own[HEAD]!;
    while (cur !== 0 && cur !== k) {
      prev = cur;
      cur = a[WaiterArena.state(cur) + 1]!;
    }
    if (cur === 0) return;
    const next = a[WaiterArena.state(k) + 1]!;
    if (prev === 0) own[HEAD] = next;
    else a[WaiterArena.state(prev) + 1] = next;
    if (own[TAIL] === k) own[TAIL] = prev;
  }

  protected describe(): string {
    const a = waiterArena().words();
    let waiting = 0;
    for (
      let cur = this.#w[HEAD]!;
      cur !== 0 && waiting < MAX_SLOTS;
      cur = a[WaiterArena.state(cur) + 1]!
    )
      waiting++;
    return `<Condition #${this.#w[UID]} waiters=${waiting}>`;
  }
}

defineShared('Condition', (d) => new Condition(undefined, d));
