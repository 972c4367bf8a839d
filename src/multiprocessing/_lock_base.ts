/**
 * What `Lock` and `RLock` of weft/multiprocessing share: a handle on a broker lock, and what
 * this thread holds of it (so that releasing what it holds needs no round trip).
 */
import type { Descriptor } from '../_internal/handle.js';
import { Releaser } from '../_internal/releaser.js';
import { RuntimeError } from '../errors.js';
import { BrokerAcquirable } from './_acquirable.js';
import type { Spec } from './_broker/proxy.js';
import { Acquired } from './_broker/served/lock.js';

/**
 * A process-wide `Lock` or `RLock`: what `Value.getLock()` and `Array.getLock()` return.
 *
 * @example
 * ```ts
 * import { Value, type ProcessLock } from 'weft/multiprocessing';
 * const lock: ProcessLock = new Value('i', 0).getLock();
 * using _ = await lock.acquire();
 * ```
 */
export abstract class BrokerLock extends BrokerAcquirable {
  /** How many times this thread holds the lock, as far as it knows. */
  #held = 0;
  readonly #releaser = new Releaser(() => this.release());

  protected constructor(type: string, kind: 'Lock' | 'RLock', descriptor?: Descriptor) {
    super(type, (id) => ({ specs: [[id, kind]] }), descriptor);
  }

  protected abstract get _reentrant(): boolean;

  protected _granted(r: number): Releaser | false {
    if (r === Acquired.No) return false;
    this.#held++;
    this.#releaser.ownerDied = r === Acquired.OwnerDied;
    return this.#releaser;
  }

  /**
   * Releases the lock. Releasing what this thread holds is sent without waiting; an `RLock`
   * this thread does not hold throws `RuntimeError`; a `Lock` acquired elsewhere is released
   * with a round trip, which throws `RuntimeError` if it is not locked.
   */
  release(): void {
    if (this.#held > 0) {
      this.#held--;
      this._post('release', []);
    } else if (this._reentrant) throw new RuntimeError('cannot release un-acquired lock');
    else this._requestSync('release', []);
  }

  /** True if some thread of some process holds the lock (a round trip). */
  locked(): boolean {
    return this._requestSync('locked', []) as boolean;
  }

  /** @internal True if this thread holds the lock, as far as it knows (Condition checks it). */
  _isOwned(): boolean {
    return this.#held > 0;
  }

  /** @internal The broker's id of this lock (a Condition made on it refers to it). */
  get _lockId(): number {
    return this._id;
  }

  /** @internal The specs that make this lock (a Condition or Value made on it carries them). */
  get _specs(): Spec[] {
    return this._extra.specs;
  }

  protected describe(): string {
    return `<${this.constructor.name} #${this._id} (process-wide)>`;
  }
}
