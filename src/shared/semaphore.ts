/**
 * `Semaphore` and `BoundedSemaphore` (Python's `threading.Semaphore`) for real threads: a
 * counter of permits in shared memory.
 */

import { notify } from '../_internal/futex.js';
import { type Descriptor, defineShared, SharedObject } from '../_internal/handle.js';
import {
  assertMayBlock,
  deadlineOf,
  remaining,
  runAsync,
  runSync,
  type Steps,
  slice,
} from '../_internal/park.js';
import {
  adjustUndo,
  claimCrashedPermits,
  currentIdent,
  deathEpoch,
  virtualThreadsHere,
} from '../_internal/registry.js';
import { Releaser } from '../_internal/releaser.js';
import { spinUntil } from '../_internal/spin.js';
import {
  checkBoolean,
  checkInt,
  checkOptions,
  checkWaitOptions,
  type WaitOptions,
} from '../_internal/validate.js';
import { ValueError } from '../errors.js';
import { handoffExpired, nowMs31, SHARED_ISOLATE_SLICE_MS, STARVE_MS } from './mutex.js';

/**
 * Layout (Int32 words of the semaphore's own buffer):
 *
 * | word | name | meaning and ordering |
 * |---|---|---|
 * | 0 | VALUE | permits anyone may take: `compareExchange(v→v-1)` while v > 0; a release `add`s to it and then notifies. Waiters sleep on it expecting 0, so a release between their check and their sleep makes the sleep return at once. |
 * | 1 | HANDOFF | permits a release handed to the waiters it woke (starvation mode): a waiter woken by `notify` claims one with `compareExchange(h→h-1)`; the releaser adds to it before notifying, and moves back to VALUE (then notifies) what fewer woken waiters cannot claim. |
 * | 2 | WAITERS | threads in the slow path (`add`/`sub`). |
 * | 3 | FLAGS | STARVING (`Atomics.or`/`and`), as in the mutex. |
 * | 4 | UID | registry uid (constant). |
 * | 5 | BOUND | the initial value of a BoundedSemaphore, -1 for a Semaphore (constant). |
 * | 6 | UNDO | 1 if permits held by a thread that crashes are returned (constant). |
 * | 7 | HANDOFF_AT | when permits were last handed off (`nowMs31()`; plain write before the `add` to HANDOFF that publishes it): handed-off permits unclaimed past the mutex's `HANDOFF_EXPIRY_MS` may be claimed by any waiter that wakes (a recipient in a blocked isolate would never claim them). |
 */
const VALUE = 0;
const HANDOFF = 1;
const WAITERS = 2;
const FLAGS = 3;
const UID = 4;
const BOUND = 5;
const UNDO = 6;
const HANDOFF_AT = 7;
const STARVING = 1;

/** Options of a semaphore. */
export interface SemaphoreOptions {
  /**
   * Return the permits a thread holds if it crashes (like SysV's SEM_UNDO), so a dead thread
   * cannot starve the others. Default true. Turn it off for a semaphore used to signal
   * (released by one thread, acquired by another), where a crashed acquirer owes nothing.
   */
  undo?: boolean;
}

/**
 * A counting semaphore shared by threads.
 *
 * `acquire()` returns a Promise, `acquireSync()` blocks; both take `{ timeout, signal }` and
 * return a releaser (so `using` gives the permit back) or `false` on timeout. Releases hand
 * permits to waiters in turn when one has waited too long, so no waiter starves.
 *
 * @example
 * ```ts
 * import { Semaphore } from 'weft/threading';
 *
 * const sem = new Semaphore(5); // at most 5 threads inside at once
 * // inside a thread
 * {
 *   using _ = sem.acquireSync();
 *   // ... at most 5 here ...
 * }
 * // async form
 * {
 *   using _ = await sem.acquire();
 * }
 * ```
 */
export class Semaphore extends SharedObject {
  readonly #w: Int32Array;
  readonly #held = new Releaser(() => this.release());
  readonly #resolvedHeld = Promise.resolve(this.#held);
  readonly #undo: boolean;
  /** The registry's death epoch when this thread last looked for permits of crashed threads. */
  #scannedEpoch = -1;

  constructor(value = 1, options?: SemaphoreOptions, descriptor?: Descriptor) {
    const buffer = descriptor?.buffer ?? new SharedArrayBuffer(16 * 4);
    super(
      descriptor?.type ??
        (new.target.prototype instanceof BoundedSemaphore || new.target === BoundedSemaphore
          ? 'BoundedSemaphore'
          : 'Semaphore'),
      buffer,
      undefined,
      descriptor,
    );
    this.#w = new Int32Array(buffer);
    if (!descriptor) {
      checkInt(value, 'value', 0, 0x7fffffff);
      const opts = checkOptions(options, 'options', ['undo']);
      const undo = opts.undo === undefined ? true : checkBoolean(opts.undo, 'undo');
      this.#w[VALUE] = value;
      this.#w[UID] = this.$weft.uid;
      this.#w[BOUND] = this._bounded() ? value : -1;
      this.#w[UNDO] = undo ? 1 : 0;
    }
    this.#undo = this.#w[UNDO] === 1;
  }

  /** @internal Whether releases are checked against the initial value. */
  protected _bounded(): boolean {
    return false;
  }

  #tryTake(): boolean {
    const w = this.#w;
    let v = Atomics.load(w, VALUE);
    while (v > 0) {
      const seen = Atomics.compareExchange(w, VALUE, v, v - 1);
      if (seen === v) return true;
      v = seen;
    }
    return false;
  }

  #took(me: number): Releaser {
    if (this.#undo) adjustUndo(me, this.#w[UID]!, 1);
    return this.#held;
  }

  /**
   * Takes a permit without blocking the event loop. Resolves to a releaser, or `false` if
   * `timeout` passed first; rejects with `signal.reason` if `signal` aborts first.
   */
  acquire(options?: { signal?: AbortSignal | undefined }): Promise<Releaser>;
  acquire(options: WaitOptions): Promise<Releaser | false>;
  acquire(options?: WaitOptions): Promise<Releaser | false> {
    try {
      const { timeout, signal } = checkWaitOptions(options);
      if (this.#tryTake()) {
        if (this.#undo) adjustUndo(currentIdent(), this.#w[UID]!, 1);
        return this.#resolvedHeld;
      }
      if (timeout === 0) return Promise.resolve(false);
      if (signal?.aborted) return Promise.reject(signal.reason);
      const me = currentIdent();
      return runAsync(this.#steps(deadlineOf(timeout)), signal).then((ok) =>
        ok ? this.#took(me) : false,
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Takes a permit, blocking the calling thread. Returns a releaser, or `false` on timeout. */
  acquireSync(options?: { signal?: AbortSignal | undefined }): Releaser;
  acquireSync(options: WaitOptions): Releaser | false;
  acquireSync(options?: WaitOptions): Releaser | false {
    assertMayBlock('Semaphore.acquireSync()');
    const { timeout, signal } = checkWaitOptions(options);
    const me = currentIdent();
    if (this.#tryTake()) return this.#took(me);
    if (timeout === 0) return false;
    if (spinUntil(() => Atomics.load(this.#w, VALUE) > 0 && this.#tryTake())) return this.#took(me);
    return runSync(this.#steps(deadlineOf(timeout)), signal) ? this.#took(me) : false;
  }

  *#steps(deadline: number | undefined): Steps<boolean> {
    const w = this.#w;
    const started = performance.now();
    Atomics.add(w, WAITERS, 1);
    try {
      for (;;) {
        if (this.#tryTake()) return true;
        if (this.#undo && deathEpoch() !== this.#scannedEpoch) {
          this.#scannedEpoch = deathEpoch();
          const returned = claimCrashedPermits(w[UID]!);
          if (returned > 0) {
            this.#give(returned);
            continue;
          }
        }
        if (remaining(deadline) === 0) return false;
        const r = yield {
          arr: w,
          index: VALUE,
          expected: 0,
          timeout: virtualThreadsHere()
            ? Math.min(slice(deadline), SHARED_ISOLATE_SLICE_MS)
            : slice(deadline),
          onAbandonedWake: this.#passOn,
        };
        if ((r === 'ok' || handoffExpired(w[HANDOFF_AT]!)) && this.#claimHandoff()) {
          if (performance.now() - started < STARVE_MS || Atomics.load(w, WAITERS) <= 1)
            Atomics.and(w, FLAGS, ~STARVING);
          return true;
        }
        if (performance.now() - started > STARVE_MS) Atomics.or(w, FLAGS, STARVING);
      }
    } finally {
      Atomics.sub(w, WAITERS, 1);
    }
  }

  #claimHandoff(): boolean {
    const w = this.#w;
    let h = Atomics.load(w, HANDOFF);
    while (h > 0) {
      const seen = Atomics.compareExchange(w, HANDOFF, h, h - 1);
      if (seen === h) return true;
      h = seen;
    }
    return false;
  }

  /** An abandoned async wait was woken: give a permit handed to it back, or wake the next waiter. */
  readonly #passOn = (): void => {
    if (this.#claimHandoff()) this.#give(1);
    else notify(this.#w, VALUE, 1);
  };

  /**
   * Releases `n` permits (default 1), waking up to `n` waiting threads. A BoundedSemaphore
   * throws `ValueError` if that would exceed its initial value.
   */
  release(n = 1): void {
    checkInt(n, 'n', 1);
    const w = this.#w;
    const bound = w[BOUND]!;
    if (bound >= 0 && Atomics.load(w, VALUE) + Atomics.load(w, HANDOFF) + n > bound) {
      throw new ValueError('Semaphore released too many times');
    }
    if (this.#undo) adjustUndo(currentIdent(), w[UID]!, -n);
    this.#give(n);
  }

  #give(n: number): void {
    const w = this.#w;
    if (Atomics.load(w, FLAGS) & STARVING && Atomics.load(w, WAITERS) > 0) {
      w[HANDOFF_AT] = nowMs31();
      Atomics.add(w, HANDOFF, n);
      const woken = notify(w, VALUE, n);
      if (woken >= n) return;
      // Fewer sleepers than permits: move what they cannot claim back to VALUE.
      let moved = 0;
      while (moved < n - woken && this.#claimHandoff()) moved++;
      if (moved === 0) return;
      Atomics.add(w, VALUE, moved);
      notify(w, VALUE, moved);
      return;
    }
    Atomics.add(w, VALUE, n);
    if (Atomics.load(w, WAITERS) > 0) notify(w, VALUE, n);
  }

  /** True if a permit cannot be taken right now (asyncio's `Semaphore.locked`). */
  locked(): boolean {
    return Atomics.load(this.#w, VALUE) === 0;
  }

  protected describe(): string {
    const bound = this.#w[BOUND]!;
    return `<${this.$weft.type} #${this.#w[UID]} value=${Atomics.load(this.#w, VALUE)}${bound >= 0 ? `/${bound}` : ''}>`;
  }
}

/**
 * A semaphore whose releases may not exceed its initial value: releasing one permit too many
 * throws `ValueError('Semaphore released too many times')` (Python's `BoundedSemaphore`).
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from 'weft/threading';
 * const pool = new BoundedSemaphore(2);
 * pool.release(); // ValueError: Semaphore released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  protected override _bounded(): boolean {
    return true;
  }
}

defineShared('Semaphore', (d) => new Semaphore(undefined, undefined, d));
defineShared('BoundedSemaphore', (d) => new BoundedSemaphore(undefined, undefined, d));
