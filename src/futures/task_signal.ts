/**
 * `taskSignal()`: the AbortSignal of the task running in a pool worker.
 */
import { RuntimeError } from '../errors.js';

let current: (() => AbortSignal) | undefined;

/**
 * @internal Sets how {@link taskSignal} finds the running task's signal, for the duration of
 * a task's synchronous start.
 */
export function _setTaskSignalSource(source: (() => AbortSignal) | undefined): void {
  current = source;
}

/**
 * The AbortSignal of the pool task that is running: it aborts when the task times out (its
 * timeout counts from when it started) or is cancelled while running. Call it at the start
 * of the task, before the first `await`, and keep it: it is how a task stops cooperatively.
 * A task that ignores it past the pool's grace period has its worker replaced.
 *
 * @example
 * ```ts
 * import { taskSignal } from 'weft/futures';
 * export async function crawl(urls: string[]) {
 *   const signal = taskSignal();
 *   for (const url of urls) {
 *     if (signal.aborted) break;
 *     await fetch(url, { signal });
 *   }
 * }
 * ```
 */
export function taskSignal(): AbortSignal {
  if (!current)
    throw new RuntimeError(
      'taskSignal() is only available at the start of a task running in a pool worker',
    );
  return current();
}
