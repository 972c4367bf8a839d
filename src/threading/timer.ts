/**
 * `Timer` (Python's `threading.Timer`): a thread that runs a function after a delay, unless
 * cancelled first.
 */
import { checkNumber } from '../_internal/validate.js';
import { Event } from '../shared/event.js';
import { Thread } from './thread.js';

/**
 * A thread that waits `interval` milliseconds, then calls `fn(...args)` — unless `cancel()`
 * was called first (from any thread). The function crosses like a thread's target: exported
 * from its module, or self-contained.
 *
 * @example
 * ```ts
 * import { Timer } from 'weft/threading';
 * export function ring(who: string) { console.log(`wake up, ${who}`); }
 *
 * const t = new Timer(1000, ring, ['Ada']);
 * t.start();
 * // t.cancel(); // to stop it before it fires
 * ```
 */
export class Timer<A extends unknown[] = unknown[]> extends Thread {
  /** Delay in milliseconds. */
  interval: number;
  /** The function to call. */
  function: (...args: A) => unknown;
  /** Its arguments. */
  args: A;
  /** Set when the timer fired or was cancelled (Python's `finished`). */
  finished: Event;

  constructor(
    interval: number,
    fn: (...args: A) => unknown,
    args?: A,
    options?: { name?: string; daemon?: boolean },
  ) {
    super({ name: options?.name, daemon: options?.daemon, isolate: 'shared' });
    this.interval = checkNumber(interval, 'interval', 0);
    if (typeof fn !== 'function') throw new TypeError('fn must be a function');
    this.function = fn;
    this.args = (args ?? []) as A;
    this.finished = new Event();
  }

  /** Stops the timer if it has not fired yet. */
  cancel(): void {
    this.finished.set();
  }

  override async run(): Promise<void> {
    if (!(await this.finished.wait({ timeout: this.interval }))) await this.function(...this.args);
    this.finished.set();
  }
}
