/**
 * `Lock` (Python's `threading.Lock`) for real threads: a mutex in shared memory that any
 * thread can acquire, blocking (`acquireSync`) or without blocking the event loop
 * (`acquire`), and any thread can release.
 */
import { type Descriptor, defineShared, SharedObject } from '../_internal/handle.js';
import { assertMayBlock, deadlineOf, runAsync, runSync, type Steps } from '../_internal/park.js';
import { currentIdent } from '../_internal/registry.js';
import { Releaser } from '../_internal/releaser.js';
import { spinUntil } from '../_internal/spin.js';
import { checkWaitOptions, type WaitOptions } from '../_internal/validate.js';
import { Acquired, Mutex } from './mutex.js';

/** Options of a waiting acquire: give up after `timeout` ms, or when `signal` aborts. */
export type AcquireOptions = WaitOptions;

/**
 * A primitive lock shared by every thread that has it.
 *
 * `await lock.acquire()` waits without blocking the event loop (use it on the main thread);
 * `lock.acquireSync()` blocks the calling thread (use it in worker threads and CPU-bound
 * code). Both take `{ timeout, signal }`: a timeout yields `false` (Python's result), an
 * aborted signal rejects with its reason; `{ timeout: 0 }` is Python's `blocking=False`.
 * A successful acquire returns a releaser, so `using` releases at the end of the scope.
 *
 * A blocking acquire with no timeout that would close a cycle of threads waiting for each
 * other's locks throws `DeadlockError` naming the cycle. A lock whose holder's thread ended
 * without releasing it is taken over by the next acquirer, whose releaser has
 * `ownerDied === true`.
 *
 * @example
 * ```ts
 * import { Lock, Thread } from 'weft/threading';
 *
 * const lock = new Lock();
 * // async form (main thread)
 * {
 *   using _ = await lock.acquire();
 *   // ... critical section ...
 * }
 * // blocking form (inside a thread)
 * if (lock.acquireSync({ timeout: 100 })) {
 *   try { /* ... *\/ } finally { lock.release(); }
 * }
 * ```
 */
export class Lock extends SharedObject {
  readonly #w: Int32Array;
  readonly #mutex: Mutex;
  readonly #held = new Releaser(() => this.release());
  readonly #resolvedHeld = Promise.resolve(this.#held);

  constructor(descriptor?: Descriptor) {
    const buffer = descriptor?.buffer ?? new SharedArrayBuffer(16 * 4);
    super('Lock', buffer, undefined, descriptor);
    this.#w = new Int32Array(buffer);
    this.#mutex = new Mutex(this.#w, 0);
    if (!descriptor) this.#mutex.init(this.$weft.uid);
  }

  /**
   * Acquires the lock without blocking the event loop. Resolves to a releaser, or to `false`
   * if `timeout` passed first; rejects with `signal.reason` if `signal` aborts first.
   */
  acquire(options?: { signal?: AbortSignal | undefined }): Promise<Releaser>;
  acquire(options: AcquireOptions): Promise<Releaser | false>;
  acquire(options?: AcquireOptions): Promise<Releaser | false> {
    try {
      const { timeout, signal } = checkWaitOptions(options);
      const me = currentIdent();
      if (this.#mutex.tryAcquire(me)) {
        this.#held.ownerDied = false;
        return this.#resolvedHeld;
      }
      if (timeout === 0) return Promise.resolve(false);
      if (signal?.aborted) return Promise.reject(signal.reason);
      return runAsync(this.#mutex.acquireSteps(me, deadlineOf(timeout), false), signal).then((r) =>
        this.#result(r),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Acquires the lock, blocking the calling thread. Returns a releaser, or `false` if
   * `timeout` passed first. Throws `DeadlockError` instead of blocking forever.
   */
  acquireSync(options?: { signal?: AbortSignal | undefined }): Releaser;
  acquireSync(options: AcquireOptions): Releaser | false;
  acquireSync(options?: AcquireOptions): Releaser | false {
    assertMayBlock('Lock.acquireSync()');
    return this._acquireBlocking(options);
  }

  /**
   * @internal `acquireSync` without the virtual-thread check, for critical sections of a few
   * instructions inside weft (a `Value`'s read), where waiting is as brief as the holder's.
   */
  _acquireBlocking(options?: AcquireOptions): Releaser | false {
    const { timeout, signal } = checkWaitOptions(options);
    const me = currentIdent();
    if (this.#mutex.tryAcquire(me)) {
      this.#held.ownerDied = false;
      return this.#held;
    }
    if (timeout === 0) return false;
    if (spinUntil(() => this.#mutex.looksFree() && this.#mutex.tryAcquire(me))) {
      this.#held.ownerDied = false;
      return this.#held;
    }
    return this.#result(
      runSync(this.#mutex.acquireSteps(me, deadlineOf(timeout), timeout === undefined), signal),
    );
  }

  /**
   * @internal One attempt to take the lock for thread `me`, never waiting: the fast path of
   * weft's own critical sections (a queue's), which release with {@link release}.
   */
  _tryAcquire(me: number): boolean {
    return this.#mutex.tryAcquire(me);
  }

  #result(r: Acquired): Releaser | false {
    if (r === Acquired.No) return false;
    this.#held.ownerDied = r === Acquired.OwnerDied;
    return this.#held;
  }

  /** Releases the lock. Any thread may release it; releasing an unlocked lock throws `RuntimeError`. */
  release(): void {
    this.#mutex.release();
  }

  /** True if some thread holds the lock. */
  locked(): boolean {
    return this.#mutex.locked();
  }

  /** @internal True if the calling thread holds the lock (Condition uses it). */
  _isOwned(): boolean {
    return this.#mutex.owner() === currentIdent();
  }

  /** @internal Releases for Condition.wait; returns what `_acquireRestoreSteps` restores. */
  _releaseSave(): number {
    this.#mutex.release();
    return 1;
  }

  /** @internal The contended acquire, for primitives built on this lock. */
  _acquireSteps(me: number, deadline: number | undefined): Steps<Acquired> {
    return this.#mutex.tryAcquire(me)
      ? done(Acquired.Yes)
      : this.#mutex.acquireSteps(me, deadline, false);
  }

  /** @internal Re-acquires after Condition.wait. */
  _acquireRestoreSteps(me: number, _saved: number): Steps<Acquired> {
    return this.#mutex.acquireSteps(me, undefined, false);
  }

  protected describe(): string {
    return `<Lock #${this.#mutex.uid} ${this.locked() ? 'locked' : 'unlocked'}>`;
  }
}

// biome-ignore lint/correctness/useYield: a slow path that finished without waiting
function* done<T>(value: T): Steps<T> {
  return value;
}

defineShared('Lock', (d) => new Lock(d));
