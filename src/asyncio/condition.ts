import { outsideScope, scopeSignal } from '../_internal/cancellation.js';
import {
  checkFunction,
  checkInt,
  checkWaitOptions,
  typeError,
  type WaitOptions,
} from '../_internal/validate.js';
import { RuntimeError } from '../errors.js';
import type { AcquireOptions, Releaser } from './_permits.js';
import { park, resolveFalse, WaiterList } from './_waiter.js';
import { Lock } from './lock.js';

/**
 * What a {@link Condition} needs from its lock: weft's `Lock`, `Semaphore` and
 * `BoundedSemaphore` all qualify (as does any object with these three methods).
 *
 * @example
 * ```ts
 * import { Condition, Semaphore, type ConditionLock } from 'weft/asyncio';
 * const lock: ConditionLock = new Semaphore(1);
 * const cond = new Condition(lock);
 * ```
 */
export interface ConditionLock {
  acquire(options?: WaitOptions): Promise<Releaser | false>;
  release(): void;
  locked(): boolean;
}

/**
 * A condition variable for tasks of one event loop (Python's `asyncio.Condition`): a lock
 * plus a FIFO of tasks waiting to be notified. `wait()` releases the lock, waits for a
 * `notify`, and takes the lock back before returning — always, even when the wait timed out
 * or was cancelled. Waiting or notifying without holding the lock throws `RuntimeError`.
 *
 * @example
 * ```ts
 * import { Condition, createTask } from 'weft/asyncio';
 * const cond = new Condition();
 * const items: number[] = [];
 * const consumer = createTask(async () => {
 *   using _ = await cond.acquire();
 *   await cond.waitFor(() => items.length > 0);
 *   return items.shift();
 * });
 * {
 *   using _ = await cond.acquire();
 *   items.push(1);
 *   cond.notify();
 * }
 * console.log(await consumer); // 1
 * ```
 */
export class Condition<L extends ConditionLock = Lock> {
  /** The underlying lock. */
  readonly lock: L;
  readonly #waiters = new WaiterList<boolean>();

  /** `lock`: the lock to use (a new {@link Lock} by default). */
  constructor(lock?: L) {
    if (lock === undefined) lock = new Lock() as unknown as L;
    else if (
      typeof lock?.acquire !== 'function' ||
      typeof lock.release !== 'function' ||
      typeof lock.locked !== 'function'
    )
      typeError('lock', 'a lock with acquire(), release() and locked()', lock);
    this.lock = lock;
  }

  /** Acquires the underlying lock (see `Lock.acquire`). */
  acquire(options?: AcquireOptions): Promise<Releaser>;
  acquire(options: WaitOptions): Promise<Releaser | false>;
  acquire(options?: WaitOptions): Promise<Releaser | false> {
    return this.lock.acquire(options);
  }

  /** Releases the underlying lock. */
  release(): void {
    this.lock.release();
  }

  /** Whether the underlying lock is held. */
  locked(): boolean {
    return this.lock.locked();
  }

  /**
   * Releases the lock, waits until notified, and re-acquires the lock. Resolves `true`, or
   * `false` if `timeout` passed first; an aborted `signal` or a cancelled task rejects with
   * the reason, after the lock is held again.
   */
  async wait(options?: WaitOptions): Promise<boolean> {
    const { timeout, signal } = checkWaitOptions(options);
    if (!this.lock.locked()) throw new RuntimeError('cannot wait on un-acquired lock');
    const woken = park(this.#waiters, timeout, signal, scopeSignal(), resolveFalse);
    this.lock.release();
    try {
      return await woken;
    } finally {
      await outsideScope(() => this.lock.acquire());
    }
  }

  /**
   * Waits until `predicate()` is truthy, re-checking after each notification, and returns
   * its last value. With `timeout`, the remaining time is recomputed on every round, and
   * the (falsy) value is returned when it runs out.
   */
  async waitFor<R>(predicate: () => R, options?: WaitOptions): Promise<R> {
    checkFunction(predicate, 'predicate');
    const { timeout, signal } = checkWaitOptions(options);
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    let result = predicate();
    while (!result) {
      let left: number | undefined;
      if (deadline !== undefined) {
        left = deadline - performance.now();
        if (left <= 0) break;
      }
      await this.wait({ timeout: left, signal });
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters (default 1), longest waiting first. The lock must be held. */
  notify(n = 1): void {
    checkInt(n, 'n', 0);
    if (!this.lock.locked()) throw new RuntimeError('cannot notify on un-acquired lock');
    while (n-- > 0 && this.#waiters.grant(true));
  }

  /** How many tasks wait to be notified. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Wakes every waiter. The lock must be held. */
  notifyAll(): void {
    this.notify(this.#waiters.size);
  }
}
