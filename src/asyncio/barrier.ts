import { scopeSignal } from '../_internal/cancellation.js';
import { checkInt, checkWaitOptions, type WaitOptions } from '../_internal/validate.js';
import { BrokenBarrierError } from '../errors.js';
import { park, type Waiter, WaiterList } from './_waiter.js';

/**
 * A meeting point for a fixed number of tasks (Python's `asyncio.Barrier`). Each `wait()`
 * blocks until `parties` tasks are waiting, then all go on at once; each gets its arrival
 * index, 0 for the first to arrive up to `parties - 1` for the last, and the barrier is
 * ready for the next round.
 *
 * `abort()` breaks it: waiters and later callers get `BrokenBarrierError` until `reset()`.
 * A `timeout` passing breaks it too (as `threading.Barrier` does), for every waiter; an
 * aborted `signal` or a cancelled task just leaves (as in asyncio).
 *
 * @example
 * ```ts
 * import { Barrier, gather } from 'weft/asyncio';
 * const b = new Barrier(3);
 * const indices = await gather(b.wait(), b.wait(), b.wait()); // [0, 1, 2]
 * ```
 */
export class Barrier {
  readonly #parties: number;
  readonly #waiters = new WaiterList<number>();
  #broken = false;

  /** `parties`: how many tasks must wait before all go on, an integer >= 1. */
  constructor(parties: number) {
    this.#parties = checkInt(parties, 'parties', 1);
  }

  /** How many tasks must meet. */
  get parties(): number {
    return this.#parties;
  }

  /** How many tasks are waiting now. */
  get nWaiting(): number {
    return this.#waiters.size;
  }

  /** Whether the barrier is broken (after `abort()`, or a timeout, until `reset()`). */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Waits for the other parties; resolves to this caller's arrival index. Rejects with
   * `BrokenBarrierError` if the barrier is or becomes broken, or is reset meanwhile.
   */
  wait(options?: WaitOptions): Promise<number> {
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#broken) return Promise.reject(new BrokenBarrierError('Barrier is broken'));
    if (this.#waiters.size + 1 === this.#parties) {
      let index = 0;
      for (let w = this.#waiters.head; w !== null; w = this.#waiters.head) w.settle(index++);
      return Promise.resolve(index);
    }
    return park(this.#waiters, timeout, signal, scopeSignal(), this.#onTimeout);
  }

  readonly #onTimeout = (waiter: Waiter<number>): void => {
    this.abort();
    waiter.reject(new BrokenBarrierError('Barrier broken: a wait timed out'));
  };

  /** Releases the waiters with `BrokenBarrierError` and makes the barrier usable again. */
  reset(): void {
    this.#waiters.failAll(() => new BrokenBarrierError('Barrier was reset'));
    this.#broken = false;
  }

  /** Breaks the barrier: waiters and later callers get `BrokenBarrierError` until `reset()`. */
  abort(): void {
    this.#broken = true;
    this.#waiters.failAll(() => new BrokenBarrierError('Barrier aborted'));
  }
}
