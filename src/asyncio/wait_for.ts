import { checkTimeout, typeError } from '../_internal/validate.js';
import { isThenable, raceSignal } from './_awaitable.js';
import { Task } from './task.js';
import { timeout } from './timeout.js';

/**
 * Waits for `aw` at most `ms` milliseconds (Python's `asyncio.wait_for`); rejects with
 * `TimeoutError` after that. `ms` `undefined`/`null`/`Infinity` waits forever.
 *
 * - A {@link Task} is cancelled at the deadline and waited for (as Python does), then the
 *   call rejects with `TimeoutError`.
 * - A function `(signal) => PromiseLike` is called with a signal aborted at the deadline,
 *   inside a cancel scope (weft waiting calls in it stop by themselves), and waited for.
 * - Any other PromiseLike cannot be stopped: the call rejects at the deadline and the
 *   promise goes on. Wrap it in {@link shield} to make that explicit for a Task.
 *
 * @example
 * ```ts
 * import { waitFor, createTask, sleep } from 'weft/asyncio';
 * const slow = createTask(() => sleep(1000));
 * await waitFor(slow, 50).catch((e) => console.log(e.name)); // TimeoutError
 * console.log(slow.cancelled()); // true
 * await waitFor((signal) => fetch('https://example.com', { signal }), 5000);
 * ```
 */
export function waitFor<T>(
  aw: PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>),
  ms: number | undefined | null,
): Promise<T> {
  checkTimeout(ms, 'ms');
  if (typeof aw === 'function') return timeout(ms, aw);
  if (!isThenable(aw)) typeError('aw', 'a PromiseLike, a Task or a function', aw);
  if (aw instanceof Task) {
    const task = aw as Task<T>;
    return timeout(ms, (signal) => {
      signal.addEventListener('abort', () => task.cancel(), { once: true });
      return task;
    });
  }
  return timeout(ms, (signal) => raceSignal(aw, signal));
}
