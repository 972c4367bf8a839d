import { scopeSignal } from '../_internal/cancellation.js';
import { checkWaitOptions, type WaitOptions } from '../_internal/validate.js';
import { park, resolveFalse, WaiterList } from './_waiter.js';

const TRUE = Promise.resolve(true);

/**
 * A flag tasks can wait for (Python's `asyncio.Event`): `set()` wakes every waiter,
 * `clear()` lowers it again.
 *
 * @example
 * ```ts
 * import { Event, createTask } from 'weft/asyncio';
 * const ready = new Event();
 * const waiter = createTask(async () => { await ready.wait(); return 'go'; });
 * ready.set();
 * console.log(await waiter); // go
 * console.log(await new Event().wait({ timeout: 10 })); // false
 * ```
 */
export class Event {
  #flag = false;
  readonly #waiters = new WaiterList<boolean>();

  /** Whether the flag is set. */
  isSet(): boolean {
    return this.#flag;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    if (this.#flag) return;
    this.#flag = true;
    this.#waiters.grantAll(true);
  }

  /** Lowers the flag: later `wait()` calls wait again. */
  clear(): void {
    this.#flag = false;
  }

  /**
   * Waits until the flag is set: resolves `true`, or `false` if `timeout` passed first. An
   * aborted `signal`, or the cancellation of the enclosing task, rejects with the reason.
   */
  wait(options?: WaitOptions): Promise<boolean> {
    const { timeout, signal } = checkWaitOptions(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#flag) return TRUE;
    return park(this.#waiters, timeout, signal, scopeSignal(), resolveFalse);
  }
}
