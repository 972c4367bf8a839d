import { checkInt } from '../_internal/validate.js';
import { ValueError } from '../errors.js';
import { Permits } from './_permits.js';

/**
 * A counter of free permits for tasks of one event loop (Python's `asyncio.Semaphore`).
 * `acquire()` takes one, waiting in FIFO order when none is free; `release(n)` gives `n`
 * back, straight to the waiters first.
 *
 * @example
 * ```ts
 * import { Semaphore, gather, sleep } from 'weft/asyncio';
 * const sem = new Semaphore(2); // at most 2 at once
 * await gather(...[1, 2, 3, 4].map(async (i) => {
 *   using _ = await sem.acquire();
 *   await sleep(10);
 *   return i;
 * }));
 * ```
 */
export class Semaphore extends Permits {
  /** `value`: the initial number of permits, an integer >= 0 (default 1). */
  constructor(value = 1) {
    super(checkInt(value, 'value', 0));
  }

  /** The number of free permits. */
  get value(): number {
    return this._value;
  }

  /** Whether `acquire()` would wait (no permit is free). */
  locked(): boolean {
    return this._value === 0;
  }

  /** Gives back `n` permits (default 1, an integer >= 1), waking up to `n` waiters. */
  release(n = 1): void {
    this._grant(checkInt(n, 'n', 1));
  }
}

/**
 * A {@link Semaphore} that refuses to be released above its initial value (Python's
 * `asyncio.BoundedSemaphore`): over-release throws `ValueError('Semaphore released too many
 * times')`, which catches a release without a matching acquire.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from 'weft/asyncio';
 * const sem = new BoundedSemaphore(1);
 * sem.release(); // ValueError: Semaphore released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  readonly #bound: number;

  constructor(value = 1) {
    super(value);
    this.#bound = value;
  }

  override release(n = 1): void {
    checkInt(n, 'n', 1);
    if (this._value + n > this.#bound) throw new ValueError('Semaphore released too many times');
    super.release(n);
  }
}
