import { scopeSignal } from '../_internal/cancellation.js';
import { checkAwaitable, raceSignal } from './_awaitable.js';

/**
 * Protects `aw` from cancellation (Python's `asyncio.shield`). The returned promise settles
 * like `aw`; if the enclosing task or scope is cancelled (or a `waitFor`/`gather` around it
 * gives up), only the returned promise rejects — `aw` itself, a Task included, is never
 * cancelled through it and goes on running.
 *
 * @example
 * ```ts
 * import { shield, waitFor, createTask, sleep } from 'weft/asyncio';
 * const save = createTask(async () => { await sleep(100); return 'saved'; });
 * await waitFor(shield(save), 10).catch(() => {}); // timed out waiting...
 * console.log(await save); // ...but the save went on: 'saved'
 * ```
 */
export function shield<T>(aw: PromiseLike<T>): Promise<T> {
  checkAwaitable(aw, 'aw');
  return raceSignal(aw, scopeSignal());
}
