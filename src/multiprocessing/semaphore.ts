/**
 * `Semaphore` and `BoundedSemaphore` (Python's `multiprocessing.Semaphore`,
 * `BoundedSemaphore`): counters shared by every process of the tree.
 */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import { Releaser } from '../_internal/releaser.js';
import { checkBoolean, checkInt, checkOptions } from '../_internal/validate.js';
import type { SemaphoreOptions } from '../shared/semaphore.js';
import { BrokerAcquirable } from './_acquirable.js';
import { Acquired } from './_broker/served/lock.js';

/**
 * A semaphore shared by every process of the tree. Same API as `weft/threading`'s:
 * `acquire()`/`acquireSync()` with `{ timeout, signal }` (FIFO), `release(n)`. Unless
 * `undo: false`, the permits a process (or thread) holds are given back when it ends.
 *
 * @example
 * ```ts
 * import { Process, Semaphore } from 'weft/multiprocessing';
 * export async function visit(slots: Semaphore) {
 *   using _ = await slots.acquire(); // at most 2 processes in here at once
 * }
 * const slots = new Semaphore(2);
 * for (let i = 0; i < 5; i++) new Process({ target: visit, args: [slots] }).start();
 * ```
 */
export class Semaphore extends BrokerAcquirable {
  readonly #releaser = new Releaser(() => this.release());

  constructor(value = 1, options?: SemaphoreOptions, descriptor?: Descriptor) {
    const bounded = new.target === BoundedSemaphore;
    super(
      bounded ? 'mp.BoundedSemaphore' : 'mp.Semaphore',
      (id) => {
        checkInt(value, 'value', 0, 0x7fffffff);
        const o = checkOptions(options, 'options', ['undo']);
        const undo = o.undo === undefined ? true : checkBoolean(o.undo, 'undo');
        return { specs: [[id, 'Semaphore', value, bounded ? value : -1, undo]] };
      },
      descriptor,
    );
  }

  protected _granted(r: number): Releaser | false {
    return r === Acquired.No ? false : this.#releaser;
  }

  /**
   * Gives back `n` permits (default 1), waking waiters in order. A `BoundedSemaphore` checks
   * with the broker first (a round trip) and throws `ValueError` past its initial value.
   */
  release(n = 1): void {
    checkInt(n, 'n', 1);
    if (this.$weft.type === 'mp.BoundedSemaphore') this._requestSync('release', [n]);
    else this._post('release', [n]);
  }

  /** The number of free permits (Python's `get_value()`; a round trip). */
  getValue(): number {
    return this._requestSync('value', []) as number;
  }

  /** True if no permit is free (a round trip). */
  locked(): boolean {
    return this._requestSync('locked', []) as boolean;
  }

  protected describe(): string {
    return `<${this.constructor.name} #${this._id} (process-wide)>`;
  }
}

/**
 * A semaphore that refuses to be released past its initial value (`ValueError`), shared by
 * every process of the tree.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from 'weft/multiprocessing';
 * const s = new BoundedSemaphore(1);
 * s.release(); // ValueError: Semaphore released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {}

defineShared('mp.Semaphore', (d) => new Semaphore(1, undefined, d));
defineShared('mp.BoundedSemaphore', (d) => new BoundedSemaphore(1, undefined, d));
