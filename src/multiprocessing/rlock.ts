/** `RLock` (Python's `multiprocessing.RLock`): a reentrant lock shared by the process tree. */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import { BrokerLock } from './_lock_base.js';

/**
 * A reentrant lock shared by every process of the tree: the thread (of some process) that
 * holds it may acquire it again, and must release it as many times. Only the holder may
 * release it (`RuntimeError` otherwise). Same API as `weft/threading`'s `RLock`.
 *
 * @example
 * ```ts
 * import { RLock } from 'weft/multiprocessing';
 * const lock = new RLock();
 * using _a = await lock.acquire();
 * using _b = await lock.acquire(); // the same thread: granted at once
 * ```
 */
export class RLock extends BrokerLock {
  constructor(descriptor?: Descriptor) {
    super('mp.RLock', 'RLock', descriptor);
  }

  protected get _reentrant(): boolean {
    return true;
  }
}

defineShared('mp.RLock', (d) => new RLock(d));
