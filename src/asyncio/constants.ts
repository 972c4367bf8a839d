/**
 * The `returnWhen` values of {@link wait} (Python's `asyncio.FIRST_COMPLETED`, ...).
 * `weft/futures` re-exports the same constants.
 * @module
 */

/**
 * `wait` returns as soon as any awaitable settles.
 *
 * @example
 * ```ts
 * import { wait, FIRST_COMPLETED } from 'weft/asyncio';
 * const { done, pending } = await wait([a, b], { returnWhen: FIRST_COMPLETED });
 * ```
 */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';

/**
 * `wait` returns as soon as any awaitable rejects, or when all have settled.
 *
 * @example
 * ```ts
 * import { wait, FIRST_EXCEPTION } from 'weft/asyncio';
 * const { done } = await wait(tasks, { returnWhen: FIRST_EXCEPTION });
 * ```
 */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';

/**
 * `wait` returns when every awaitable has settled (the default).
 *
 * @example
 * ```ts
 * import { wait, ALL_COMPLETED } from 'weft/asyncio';
 * const { done, pending } = await wait(tasks, { returnWhen: ALL_COMPLETED, timeout: 1000 });
 * ```
 */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/**
 * One of {@link FIRST_COMPLETED}, {@link FIRST_EXCEPTION}, {@link ALL_COMPLETED}.
 *
 * @example
 * ```ts
 * import type { ReturnWhen } from 'weft/asyncio';
 * const when: ReturnWhen = 'FIRST_EXCEPTION';
 * ```
 */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Every {@link ReturnWhen} value, for argument checks. @internal */
export const RETURN_WHEN: readonly ReturnWhen[] = [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED];
