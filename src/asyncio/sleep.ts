import { scopeSignal } from '../_internal/cancellation.js';
import { checkNumber, checkOptions, checkSignal } from '../_internal/validate.js';
import { park, type Waiter } from './_waiter.js';

/**
 * Options of {@link sleep}.
 *
 * @example
 * ```ts
 * import { sleep, type SleepOptions } from 'weft/asyncio';
 * const opts: SleepOptions<string> = { result: 'woke', signal: AbortSignal.timeout(500) };
 * console.log(await sleep(10, opts)); // woke
 * ```
 */
export interface SleepOptions<T> {
  /** Stop sleeping when this signal aborts; the promise rejects with its reason. */
  signal?: AbortSignal | undefined;
  /** The value the promise resolves to (Python's `sleep(delay, result)`). */
  result?: T;
}

function wake(waiter: Waiter<any>): void {
  waiter.resolve(waiter.data);
}

/**
 * Waits `ms` milliseconds (Python's `asyncio.sleep`). A negative delay sleeps 0 ms, as in
 * Python; even then the promise settles on a later turn of the event loop, so other work
 * runs first. Inside a {@link Task} the sleep ends early, rejecting with `CancelledError`,
 * when the task is cancelled.
 *
 * @example
 * ```ts
 * import { sleep } from 'weft/asyncio';
 * await sleep(100);
 * const v = await sleep(10, { result: 'done' }); // 'done'
 * const ac = new AbortController();
 * setTimeout(() => ac.abort(new Error('stop')), 5);
 * await sleep(1000, { signal: ac.signal }).catch((e) => e.message); // 'stop'
 * ```
 */
export function sleep(ms: number, options?: { signal?: AbortSignal | undefined }): Promise<void>;
export function sleep<T>(ms: number, options: SleepOptions<T> & { result: T }): Promise<T>;
export function sleep<T>(ms: number, options?: SleepOptions<T>): Promise<T | undefined> {
  checkNumber(ms, 'ms');
  const opts = checkOptions(options, 'options', ['signal', 'result']);
  const signal = checkSignal(opts.signal);
  // Node runs a 0 ms timer after 1 ms anyway; asking for 1 keeps `park` from settling at once.
  return park<T | undefined>(null, Math.max(ms, 1), signal, scopeSignal(), wake, opts.result);
}
