/**
 * What Python's queues have in common in weft's two queue modules, `weft/asyncio` (one event
 * loop) and `weft/queue` (across threads): their options, with the checks, and the
 * `for await` loop that ends at shutdown.
 */
import { ShutDown } from '../errors.js';
import { checkBoolean, checkInt, checkOptions, typeError } from './validate.js';

/**
 * Options of a queue: `Queue` and `LifoQueue` of `weft/asyncio` and of `weft/queue`.
 *
 * @example
 * ```ts
 * import { Queue, type QueueOptions } from 'weft/queue'; // or from 'weft/asyncio'
 * const opts: QueueOptions = { maxsize: 100 };
 * const q = new Queue<number>(opts);
 * ```
 */
export interface QueueOptions {
  /** The most items the queue holds; `0` or less (the default) for no limit. */
  maxsize?: number | undefined;
}

/**
 * Options of a queue's `shutdown` (Python 3.13).
 *
 * @example
 * ```ts
 * import { Queue, type ShutdownOptions } from 'weft/queue'; // or from 'weft/asyncio'
 * const opts: ShutdownOptions = { immediate: true };
 * new Queue().shutdown(opts);
 * ```
 */
export interface ShutdownOptions {
  /** Also drop the queued items (lowering the unfinished-task count by as many). */
  immediate?: boolean | undefined;
}

/**
 * Checks a queue's options, whose keys are `allowed` (`maxsize` and whatever a subclass adds);
 * `maxsize` may not exceed `limit`. Returns the capacity (0 when not given) and the options.
 */
export function checkQueueOptions<O extends QueueOptions>(
  options: O | undefined,
  allowed: readonly string[],
  limit = Number.MAX_SAFE_INTEGER,
): { maxsize: number; options: Partial<O> } {
  if (typeof options === 'number')
    typeError('options', `an options object such as { maxsize: ${options} }`, options);
  const opts = checkOptions(options, 'options', allowed);
  const maxsize = opts.maxsize === undefined ? 0 : checkInt(opts.maxsize, 'maxsize', -limit, limit);
  return { maxsize, options: opts };
}

/** Checks `shutdown`'s options; returns whether it is immediate. */
export function checkShutdownOptions(options: ShutdownOptions | undefined): boolean {
  const opts = checkOptions(options, 'options', ['immediate']);
  return opts.immediate === undefined ? false : checkBoolean(opts.immediate, 'immediate');
}

/** Yields what `get` resolves to until it rejects with `ShutDown` (a queue's `for await`). */
export async function* untilShutDown<T>(get: () => Promise<T>): AsyncGenerator<T, void, undefined> {
  for (;;) {
    let item: T;
    try {
      item = await get();
    } catch (err) {
      if (err instanceof ShutDown) return;
      throw err;
    }
    yield item;
  }
}
