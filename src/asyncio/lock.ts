import { RuntimeError } from '../errors.js';
import { Permits } from './_permits.js';

/**
 * A mutual-exclusion lock for tasks of one event loop (Python's `asyncio.Lock`). FIFO: a
 * release hands the lock to the longest waiter, and a newcomer never overtakes a waiter. Any
 * code may release it (as in Python); releasing an unlocked lock throws `RuntimeError`.
 * There is no RLock in asyncio: ownership is ill-defined for concurrent async code.
 *
 * The uncontended `acquire()` allocates nothing: it returns a cached resolved promise.
 *
 * @example
 * ```ts
 * import { Lock } from 'weft/asyncio';
 * const lock = new Lock();
 * {
 *   using _ = await lock.acquire(); // released at the end of the block
 *   console.log(lock.locked()); // true
 * }
 * const got = await lock.acquire({ timeout: 100 }); // the releaser, or false on timeout
 * if (got) got.release();
 * ```
 */
export class Lock extends Permits {
  constructor() {
    super(1);
  }

  /** Whether the lock is held. */
  locked(): boolean {
    return this._value === 0;
  }

  /**
   * Releases the lock, handing it to the first waiter if there is one. Throws
   * `RuntimeError('release unlocked lock')` if it is not held.
   */
  release(): void {
    if (this._value !== 0) throw new RuntimeError('release unlocked lock');
    this._grant(1);
  }
}
