/**
 * The counting core shared by Lock, Semaphore and BoundedSemaphore: a number of free
 * permits and a FIFO of waiters. A released permit goes straight to the head waiter
 * (direct handoff), so the count is never above zero while anyone waits and a newcomer
 * can never overtake a waiter.
 * @internal
 */
import { scopeSignal } from '../_internal/cancellation.js';
import { checkWaitOptions, type WaitOptions } from '../_internal/validate.js';
import { park, resolveFalse, WaiterList } from './_waiter.js';

/**
 * What `acquire()` resolves to: truthy (Python's `True`), and disposable, so that
 * `using _ = await lock.acquire()` releases at the end of the block. It is the lock's own
 * releaser (one per lock, not per acquisition): releasing through it twice is releasing
 * the lock twice.
 *
 * @example
 * ```ts
 * import { Lock, type Releaser } from 'weft/asyncio';
 * const lock = new Lock();
 * const held: Releaser = await lock.acquire();
 * held.release(); // or: using _ = await lock.acquire();
 * ```
 */
export interface Releaser extends Disposable {
  /** Releases the lock or semaphore it came from. */
  release(): void;
}

/**
 * `acquire` options without a timeout: the call resolves to a {@link Releaser}.
 *
 * @example
 * ```ts
 * import { Lock, type AcquireOptions } from 'weft/asyncio';
 * const opts: AcquireOptions = { signal: AbortSignal.timeout(1000) };
 * using _ = await new Lock().acquire(opts);
 * ```
 */
export interface AcquireOptions {
  /** Stop waiting when this signal aborts; the call rejects with its reason. */
  signal?: AbortSignal | undefined;
  timeout?: undefined;
}

const FALSE = Promise.resolve(false as const);

export abstract class Permits {
  /** Free permits; never above zero while a waiter is queued. */
  protected _value: number;
  readonly #waiters = new WaiterList<Releaser | false>();
  readonly #releaser: Releaser;
  readonly #granted: Promise<Releaser>;

  constructor(value: number) {
    this._value = value;
    this.#releaser = {
      release: () => this.release(),
      [Symbol.dispose]: () => this.release(),
    };
    this.#granted = Promise.resolve(this.#releaser);
  }

  /** Gives a permit back; subclasses check the release is allowed first. */
  abstract release(): void;

  /**
   * Takes a permit, waiting in FIFO order if none is free. Resolves to the releaser; with a
   * `timeout`, to `false` if it passed first. An aborted `signal`, or the cancellation of the
   * enclosing task, rejects with the reason; the waiter leaves the queue at once.
   */
  acquire(options?: AcquireOptions): Promise<Releaser>;
  acquire(options: WaitOptions): Promise<Releaser | false>;
  acquire(options?: WaitOptions): Promise<Releaser | false> {
    if (options === undefined) {
      if (this._value > 0) {
        this._value--;
        return this.#granted;
      }
      return park(this.#waiters, undefined, undefined, scopeSignal(), resolveFalse);
    }
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this._value > 0) {
      this._value--;
      return this.#granted;
    }
    if (timeout === 0) return FALSE;
    return park(this.#waiters, timeout, signal, scopeSignal(), resolveFalse);
  }

  /** Hands `n` permits to the waiters in order; what is left becomes free. */
  protected _grant(n: number): void {
    while (n > 0 && this.#waiters.grant(this.#releaser)) n--;
    this._value += n;
  }

  /** How many callers wait for a permit. */
  get waiting(): number {
    return this.#waiters.size;
  }
}
