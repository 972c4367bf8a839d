/** `Lock` (Python's `multiprocessing.Lock`): a lock shared by every process of the tree. */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import { BrokerLock } from './_lock_base.js';

/**
 * A lock shared by every process (and thread) of the process tree, held by the tree's broker.
 * Same API as `weft/threading`'s `Lock`: `await lock.acquire()` and `lock.acquireSync()`,
 * both with `{ timeout, signal }`, returning a releaser for `using`. Pass it to a child as a
 * `Process` argument (or in a queue item); it arrives live. Any process may release it. If
 * the process holding it dies, the next acquirer gets it with `ownerDied === true`.
 *
 * @example
 * ```ts
 * import { Lock, Process } from 'weft/multiprocessing';
 * export async function work(lock: Lock, i: number) {
 *   using _ = await lock.acquire();
 *   console.log('hello', i);
 *   console.log('world', i);
 * }
 * const lock = new Lock();
 * const ps = [0, 1, 2].map((i) => new Process({ target: work, args: [lock, i] }));
 * for (const p of ps) p.start();
 * for (const p of ps) await p.join();
 * ```
 */
export class Lock extends BrokerLock {
  constructor(descriptor?: Descriptor) {
    super('mp.Lock', 'Lock', descriptor);
  }

  protected get _reentrant(): boolean {
    return false;
  }
}

defineShared('mp.Lock', (d) => new Lock(d));
