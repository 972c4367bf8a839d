/** `Condition` (Python's `multiprocessing.Condition`) over a process-wide lock. */
import { type Descriptor, defineShared, reviveDescriptor } from '../_internal/handle.js';
import type { Releaser } from '../_internal/releaser.js';
import { checkFunction, checkInt, typeError, type WaitOptions } from '../_internal/validate.js';
import { RuntimeError } from '../errors.js';
import { asyncWait, BrokerObject, syncWait } from './_broker/proxy.js';
import type { BrokerLock } from './_lock_base.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';

/**
 * A condition variable shared by every process of the tree, over a process-wide `RLock`
 * (made for it) or the `Lock`/`RLock` given. Same API as `weft/threading`'s `Condition`:
 * hold the lock, then `wait()`/`waitSync()` (FIFO wakeups, `{ timeout, signal }`),
 * `waitFor(predicate)`, `notify(n)`, `notifyAll()`. Waiting or notifying without holding the
 * lock throws `RuntimeError`.
 *
 * @example
 * ```ts
 * import { Condition, Process, Value } from 'weft/multiprocessing';
 * export async function consumer(cond: Condition, items: Value<'i'>) {
 *   using _ = await cond.acquire();
 *   await cond.waitFor(() => items.value > 0);
 *   items.value -= 1;
 * }
 * const cond = new Condition();
 * const items = new Value('i', 0);
 * new Process({ target: consumer, args: [cond, items] }).start();
 * {
 *   using _ = await cond.acquire();
 *   items.value += 1;
 *   cond.notify();
 * }
 * ```
 */
export class Condition extends BrokerObject {
  readonly #lock: Lock | RLock;

  constructor(lock?: Lock | RLock, descriptor?: Descriptor) {
    let theLock: Lock | RLock;
    if (descriptor) theLock = reviveDescriptor((descriptor.extra as { info: Descriptor }).info);
    else if (lock === undefined) theLock = new RLock();
    else if (lock instanceof Lock || lock instanceof RLock) theLock = lock;
    else typeError('lock', 'a Lock or an RLock of weft/multiprocessing', lock);
    super(
      'mp.Condition',
      (id) => ({
        specs: [...theLock._specs, [id, 'Condition', theLock._lockId]],
        info: theLock.$weft,
      }),
      descriptor,
    );
    this.#lock = theLock;
  }

  /** The lock the condition uses. */
  get lock(): Lock | RLock {
    return this.#lock;
  }

  /** Acquires the lock (see `Lock.acquire`). */
  acquire(options?: { signal?: AbortSignal | undefined }): Promise<Releaser>;
  acquire(options: WaitOptions): Promise<Releaser | false>;
  acquire(options?: WaitOptions): Promise<Releaser | false> {
    return this.#lock.acquire(options as WaitOptions);
  }

  /** Acquires the lock, blocking the calling thread. */
  acquireSync(options?: { signal?: AbortSignal | undefined }): Releaser;
  acquireSync(options: WaitOptions): Releaser | false;
  acquireSync(options?: WaitOptions): Releaser | false {
    return this.#lock.acquireSync(options as WaitOptions);
  }

  /** Releases the lock. */
  release(): void {
    this.#lock.release();
  }

  #checkOwned(what: string): void {
    if (!(this.#lock as BrokerLock)._isOwned())
      throw new RuntimeError(`cannot ${what} un-acquired lock`);
  }

  /**
   * Releases the lock, waits until notified or `timeout` passes, and takes the lock back
   * (even when it rejects). Resolves true if notified, false on timeout.
   */
  async wait(options?: WaitOptions): Promise<boolean> {
    const { timeout, signal } = asyncWait(options);
    this.#checkOwned('wait on');
    return (await this._request('wait', [timeout], signal)) as boolean;
  }

  /** Like {@link wait}, blocking the calling thread. */
  waitSync(options?: WaitOptions): boolean {
    const timeout = syncWait(options, 'Condition.waitSync()');
    this.#checkOwned('wait on');
    return this._requestSync('wait', [timeout]) as boolean;
  }

  /**
   * Waits until `predicate()` is truthy (checked with the lock held) or `timeout` passes;
   * resolves to the predicate's last value.
   */
  async waitFor<T>(predicate: () => T | Promise<T>, options?: WaitOptions): Promise<T> {
    checkFunction(predicate, 'predicate');
    const { timeout, signal } = asyncWait(options);
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    let result = await predicate();
    while (!result) {
      const left = deadline === undefined ? undefined : deadline - performance.now();
      if (left !== undefined && left <= 0) break;
      await this.wait({ timeout: left, signal });
      result = await predicate();
    }
    return result;
  }

  /** Like {@link waitFor}, blocking the calling thread. */
  waitForSync<T>(predicate: () => T, options?: WaitOptions): T {
    checkFunction(predicate, 'predicate');
    const timeout = syncWait(options, 'Condition.waitForSync()');
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    let result = predicate();
    while (!result) {
      const left = deadline === undefined ? undefined : deadline - performance.now();
      if (left !== undefined && left <= 0) break;
      this.waitSync({ timeout: left });
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters, longest waiting first. The lock must be held. */
  notify(n = 1): void {
    checkInt(n, 'n', 0);
    this.#checkOwned('notify on');
    this._post('notify', [n]);
  }

  /** Wakes every waiter. The lock must be held. */
  notifyAll(): void {
    this.#checkOwned('notify on');
    this._post('notifyAll', []);
  }

  protected describe(): string {
    return `<Condition #${this._id} (process-wide)>`;
  }
}

defineShared('mp.Condition', (d) => new Condition(undefined, d));
