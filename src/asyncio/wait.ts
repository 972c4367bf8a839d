import { scopeSignal } from '../_internal/cancellation.js';
import { checkWaitOptions, valueError } from '../_internal/validate.js';
import { checkAwaitables, whenSettled } from './_awaitable.js';
import { park, WaiterList } from './_waiter.js';
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  RETURN_WHEN,
  type ReturnWhen,
} from './constants.js';

/**
 * Options of {@link wait}.
 *
 * @example
 * ```ts
 * import { wait, FIRST_EXCEPTION, type WaitCallOptions } from 'weft/asyncio';
 * const opts: WaitCallOptions = { returnWhen: FIRST_EXCEPTION, timeout: 1000 };
 * const { done, pending } = await wait(tasks, opts);
 * ```
 */
export interface WaitCallOptions {
  /** Return after this many milliseconds with whatever is done (no error). */
  timeout?: number | undefined;
  /** When to return: {@link FIRST_COMPLETED}, {@link FIRST_EXCEPTION} or {@link ALL_COMPLETED} (default). */
  returnWhen?: ReturnWhen | undefined;
  /** Stop waiting when this signal aborts; the call rejects with its reason. */
  signal?: AbortSignal | undefined;
}

/**
 * What {@link wait} resolves to: the awaitables passed in, split by whether they settled.
 *
 * @example
 * ```ts
 * import { wait, type WaitResult, type Task } from 'weft/asyncio';
 * const { done, pending }: WaitResult<Task<number>> = await wait(tasks);
 * ```
 */
export interface WaitResult<A> {
  done: Set<A>;
  pending: Set<A>;
}

/**
 * Waits for awaitables to settle (Python's `asyncio.wait`) and resolves to `{ done, pending }`,
 * sets of the very objects passed in. Nothing is cancelled: on timeout the unfinished ones
 * are in `pending` and go on running. Failures are not thrown: inspect the done ones.
 *
 * @example
 * ```ts
 * import { wait, createTask, sleep, FIRST_COMPLETED } from 'weft/asyncio';
 * const fast = createTask(() => sleep(10));
 * const slow = createTask(() => sleep(1000));
 * const { done, pending } = await wait([fast, slow], { returnWhen: FIRST_COMPLETED });
 * console.log(done.has(fast), pending.has(slow)); // true true
 * slow.cancel();
 * ```
 */
export async function wait<A extends PromiseLike<unknown>>(
  aws: Iterable<A>,
  options?: WaitCallOptions,
): Promise<WaitResult<A>> {
  const pending = checkAwaitables(aws, 'aws');
  if (pending.size === 0) valueError('aws', 'a non-empty iterable', aws);
  const { timeout, signal } = checkWaitOptions(options, 'options', ['returnWhen']);
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  if (!RETURN_WHEN.includes(returnWhen))
    valueError('returnWhen', `one of ${RETURN_WHEN.join(', ')}`, returnWhen);
  const done = new Set<A>();
  const waiting = new WaiterList<void>();
  let finished = false;
  for (const aw of pending) {
    whenSettled(aw, (failed) => {
      if (finished) return;
      pending.delete(aw);
      done.add(aw);
      if (
        pending.size === 0 ||
        returnWhen === FIRST_COMPLETED ||
        (returnWhen === FIRST_EXCEPTION && failed)
      )
        waiting.grant(undefined);
    });
  }
  try {
    await park(waiting, timeout, signal, scopeSignal(), (w) => w.resolve());
  } finally {
    finished = true;
  }
  return { done: new Set(done), pending: new Set(pending) };
}
