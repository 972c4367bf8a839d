/**
 * `RLock` (Python's `threading.RLock`): a lock the holding thread may acquire again; it is
 * free once released as many times as acquired. Owned by thread ident: only the holder may
 * release it.
 */
import { type Descriptor, defineShared, SharedObject } from '../_internal/handle.js';
import { assertMayBlock, deadlineOf, runAsync, runSync, type Steps } from '../_internal/park.js';
import { currentIdent } from '../_internal/registry.js';
import { Releaser } from '../_internal/releaser.js';
import { spinUntil } from '../_internal/spin.js';
import { checkWaitOptions } from '../_internal/validate.js';
import { RuntimeError } from '../errors.js';
import type { AcquireOptions } from './lock.js';
import { Acquired, MUTEX_WORDS, Mutex } from './mutex.js';

/**
 * Layout: the mutex at words 0–4 (see `mutex.ts`), then COUNT: the recursion depth, read and
 * written (plain) only by the holder while it holds the mutex.
 */
const COUNT = MUTEX_WORDS;

/**
 * A reentrant lock in shared memory.
 *
 * @example
 * ```ts
 * import { RLock } from 'weft/threading';
 *
 * const rlock = new RLock();
 * function deposit(n: number) {
 *   using _ = rlock.acquireSync();
 *   balance.value += n;
 * }
 * function transfer(n: number) {
 *   using _ = rlock.acquireSync(); // held twice while deposit() runs
 *   deposit(n);
 * }
 * // async form: await rlock.acquire()
 * ```
 */
export class RLock extends SharedObject {
  readonly #w: Int32Array;
  readonly #mutex: Mutex;
  readonly #held = new Releaser(() => this.release());

  constructor(descriptor?: Descriptor) {
    const buffer = descriptor?.buffer ?? new SharedArrayBuffer(16 * 4);
    super('RLock', buffer, undefined, descriptor);
    this.#w = new Int32Array(buffer);
    this.#mutex = new Mutex(this.#w, 0);
    if (!descriptor) this.#mutex.init(this.$weft.uid);
  }

  /** Acquires (again, if this thread holds it) without blocking the event loop. */
  acquire(options?: { signal?: AbortSignal | undefined }): Promise<Releaser>;
  acquire(options: AcquireOptions): Promise<Releaser | false>;
  acquire(options?: AcquireOptions): Promise<Releaser | false> {
    try {
      const { timeout, signal } = checkWaitOptions(options);
      const me = currentIdent();
      if (this.#fast(me)) return Promise.resolve(this.#held);
      if (timeout === 0) return Promise.resolve(false);
      if (signal?.aborted) return Promise.reject(signal.reason);
      return runAsync(this._acquireSteps(me, deadlineOf(timeout), false, 1), signal).then((r) =>
        this.#result(r),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Acquires (again, if this thread holds it), blocking the calling thread. */
  acquireSync(options?: { signal?: AbortSignal | undefined }): Releaser;
  acquireSync(options: AcquireOptions): Releaser | false;
  acquireSync(options?: AcquireOptions): Releaser | false {
    assertMayBlock('RLock.acquireSync()');
    return this._acquireBlocking(options);
  }

  /**
   * @internal `acquireSync` without the virtual-thread check, for critical sections of a few
   * instructions inside weft (a `Value`'s read), where waiting is as brief as the holder's.
   */
  _acquireBlocking(options?: AcquireOptions): Releaser | false {
    const { timeout, signal } = checkWaitOptions(options);
    const me = currentIdent();
    if (this.#fast(me)) return this.#held;
    if (timeout === 0) return false;
    if (spinUntil(() => this.#mutex.looksFree() && this.#mutex.tryAcquire(me))) {
      this.#w[COUNT] = 1;
      this.#held.ownerDied = false;
      return this.#held;
    }
    return this.#result(
      runSync(this._acquireSteps(me, deadlineOf(timeout), timeout === undefined, 1), signal),
    );
  }

  #fast(me: number): boolean {
    if (this.#mutex.owner() === me) {
      this.#w[COUNT]!++;
      return true;
    }
    if (!this.#mutex.tryAcquire(me)) return false;
    this.#w[COUNT] = 1;
    this.#held.ownerDied = false;
    return true;
  }

  #result(r: Acquired): Releaser | false {
    if (r === Acquired.No) return false;
    this.#held.ownerDied = r === Acquired.OwnerDied;
    return this.#held;
  }

  /** @internal The contended acquire, setting the recursion depth to `count` on success. */
  *_acquireSteps(
    me: number,
    deadline: number | undefined,
    detect: boolean,
    count: number,
  ): Steps<Acquired> {
    const r = yield* this.#mutex.acquireSteps(me, deadline, detect);
    if (r !== Acquired.No) this.#w[COUNT] = count;
    return r;
  }

  /** Releases once; the lock is free when released as often as acquired. */
  release(): void {
    if (!this._isOwned()) throw new RuntimeError('cannot release un-acquired lock');
    if (--this.#w[COUNT]! === 0) this.#mutex.release();
  }

  /** True if some thread holds the lock. */
  locked(): boolean {
    return this.#mutex.locked();
  }

  /** @internal True if the calling thread holds the lock (Condition uses it). */
  _isOwned(): boolean {
    return this.#mutex.owner() === currentIdent();
  }

  /** @internal Releases fully, returning the recursion depth to restore (Condition.wait). */
  _releaseSave(): number {
    const count = this.#w[COUNT]!;
    this.#w[COUNT] = 0;
    this.#mutex.release();
    return count;
  }

  /** @internal Re-acquires and restores the depth saved by `_releaseSave`. */
  _acquireRestoreSteps(me: number, saved: number): Steps<Acquired> {
    return this._acquireSteps(me, undefined, false, saved);
  }

  protected describe(): string {
    const owner = this.#mutex.owner();
    return `<RLock #${this.#mutex.uid} ${this.locked() ? `locked by ${owner} count=${this.#w[COUNT]}` : 'unlocked'}>`;
  }
}

defineShared('RLock', (d) => new RLock(d));
