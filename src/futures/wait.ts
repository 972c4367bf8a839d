/**
 * `wait` and `asCompleted` for futures (Python's `concurrent.futures.wait` /
 * `as_completed`): the same functions as `weft/asyncio`'s, which accept any awaitable, with
 * Python's `done`/`notDone` names and an empty set allowed.
 */
import { asCompleted as asCompletedAny } from '../asyncio/as_completed.js';
import { type WaitCallOptions, wait as waitAny } from '../asyncio/wait.js';

/** What {@link wait} resolves to (Python's `DoneAndNotDoneFutures`). */
export interface DoneAndNotDone<F> {
  done: Set<F>;
  notDone: Set<F>;
  /** Same as `notDone` (asyncio's name). */
  pending: Set<F>;
}

/**
 * Waits for futures (any awaitables) until `returnWhen` — `FIRST_COMPLETED`,
 * `FIRST_EXCEPTION` or `ALL_COMPLETED` (default) — or `timeout`. Never throws the tasks'
 * errors: inspect the done futures.
 *
 * @example
 * ```ts
 * import { wait, FIRST_COMPLETED } from 'weft/futures';
 * const { done, notDone } = await wait(futures, { returnWhen: FIRST_COMPLETED, timeout: 1000 });
 * ```
 */
export async function wait<F extends PromiseLike<unknown>>(
  fs: Iterable<F>,
  options?: WaitCallOptions,
): Promise<DoneAndNotDone<F>> {
  const list = [...fs];
  if (list.length === 0) return { done: new Set(), notDone: new Set(), pending: new Set() };
  const { done, pending } = await waitAny(list, options);
  return { done, notDone: pending, pending };
}

/**
 * The futures as they complete: `for await (const f of asCompleted(fs, { timeout }))` yields
 * each future when it is done (Python 3.13's form); iterating it synchronously gives promises
 * of the results in completion order. Past `timeout`, iteration throws `TimeoutError`.
 *
 * @example
 * ```ts
 * import { asCompleted } from 'weft/futures';
 * for await (const f of asCompleted(futures)) console.log(await f);
 * ```
 */
export const asCompleted = asCompletedAny;
