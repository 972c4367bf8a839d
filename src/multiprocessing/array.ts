/** `Array` and `RawArray` (Python's `multiprocessing.Array`, `RawArray`) for the process tree. */

import { type Descriptor, defineShared, reviveDescriptor } from '../_internal/handle.js';
import { installIndexAccess } from '../_internal/index_access.js';
import { checkInt, checkOptions, typeError } from '../_internal/validate.js';
import { IndexError } from '../errors.js';
import type { CTypeKind, ValueOf } from '../shared/ctypes.js';
import { BrokerObject, type Spec } from './_broker/proxy.js';
import type { BrokerLock } from './_lock_base.js';
import { type CType, ctype, lockFor, type TypedOptions, toCell } from './_typed_cells.js';
import type { Lock } from './lock.js';
import type { RLock } from './rlock.js';

interface Info {
  type: string;
  length: number;
  lock?: Descriptor | undefined;
}

/**
 * A fixed-length typed array shared by every process of the tree, guarded by a process
 * `RLock` (or the lock given, or none with `lock: false`). Index it like an array
 * (`arr[0] = 1`; each access is a blocking round trip holding the lock), or use `get`/`set`,
 * `toArray()` and `setAll()` (one round trip for all elements), or their async forms
 * `getAsync`/`toArrayAsync`.
 *
 * @example
 * ```ts
 * import { Array as ProcessArray, Process } from 'weft/multiprocessing';
 * export function square(arr: ProcessArray<'d'>) {
 *   arr.setAll(arr.toArray().map((x) => x * x));
 * }
 * const arr = new ProcessArray('d', [1, 2, 3]);
 * const p = new Process({ target: square, args: [arr] });
 * p.start();
 * await p.join();
 * console.log(arr.toArray()); // [1, 4, 9]
 * ```
 */
export class SharedArray<T extends CType = CType>
  extends BrokerObject
  implements Iterable<ValueOf<T>>
{
  [index: number]: ValueOf<T>;
  readonly #kind: CTypeKind;
  readonly #length: number;
  readonly #lock: Lock | RLock | undefined;

  constructor(
    type: T,
    sizeOrInit: number | Iterable<ValueOf<T>>,
    options?: TypedOptions,
    descriptor?: Descriptor,
  ) {
    let info: Info;
    let lock: Lock | RLock | undefined;
    let make: ((id: number) => { specs: Spec[]; info: Info }) | undefined;
    if (descriptor) {
      info = (descriptor.extra as { info: Info }).info;
      lock = info.lock ? reviveDescriptor<Lock | RLock>(info.lock) : undefined;
    } else {
      const kind = ctype(type);
      const o = checkOptions(options, 'options', ['lock']);
      let init: unknown[];
      if (typeof sizeOrInit === 'number') {
        const zero = toCell(kind, kind.toJs(kind.name.endsWith('int64') ? 0n : 0), 'zero');
        init = new globalThis.Array(checkInt(sizeOrInit, 'sizeOrInit', 0)).fill(zero);
      } else if (
        sizeOrInit !== null &&
        typeof sizeOrInit === 'object' &&
        Symbol.iterator in sizeOrInit
      )
        init = [...sizeOrInit].map((v, i) => toCell(kind, v, `sizeOrInit[${i}]`));
      else typeError('sizeOrInit', `a length or an iterable of ${kind.name} values`, sizeOrInit);
      const l = lockFor(o.lock);
      lock = l.lock;
      info = { type: kind.name, length: init.length, lock: lock?.$weft };
      make = (id) => ({ specs: [...l.specs, [id, 'Values', init, l.id]], info });
    }
    super('mp.Array', make, descriptor);
    this.#kind = ctype(info.type);
    this.#length = info.length;
    this.#lock = lock;
  }

  /** Number of elements. */
  get length(): number {
    return this.#length;
  }

  #index(i: number): number {
    if (!Number.isInteger(i)) typeError('index', 'an integer', i);
    const j = i < 0 ? i + this.#length : i;
    if (j < 0 || j >= this.#length)
      throw new IndexError(`index ${i} out of range for length ${this.#length}`);
    return j;
  }

  /** The element at `index` (negative counts from the end); a blocking round trip. */
  get(index: number): ValueOf<T> {
    return this._requestSync('get', [this.#index(index)]) as ValueOf<T>;
  }

  /** Sets the element at `index`; a blocking round trip. */
  set(index: number, value: ValueOf<T>): void {
    this._requestSync('set', [this.#index(index), toCell(this.#kind, value, 'value')]);
  }

  /** All the elements, read under the lock in one blocking round trip. */
  toArray(): ValueOf<T>[] {
    return this._requestSync('getAll', []) as ValueOf<T>[];
  }

  /** Writes `values` from `start` (default 0) under the lock, in one blocking round trip. */
  setAll(values: Iterable<ValueOf<T>>, start = 0): void {
    this._requestSync('setAll', this.#cells(values, start));
  }

  #cells(values: Iterable<ValueOf<T>>, start: number): [unknown[], number] {
    const s = this.#index(start);
    const cells = [...values].map((v, i) => toCell(this.#kind, v, `values[${i}]`));
    if (s + cells.length > this.#length)
      throw new IndexError(`${cells.length} values from ${s} do not fit in length ${this.#length}`);
    return [cells, s];
  }

  /** {@link get} without blocking the event loop. */
  async getAsync(index: number): Promise<ValueOf<T>> {
    return (await this._request('get', [this.#index(index)])) as ValueOf<T>;
  }

  /** {@link set} without blocking the event loop. */
  async setAsync(index: number, value: ValueOf<T>): Promise<void> {
    await this._request('set', [this.#index(index), toCell(this.#kind, value, 'value')]);
  }

  /** {@link toArray} without blocking the event loop. */
  async toArrayAsync(): Promise<ValueOf<T>[]> {
    return (await this._request('getAll', [])) as ValueOf<T>[];
  }

  /** {@link setAll} without blocking the event loop. */
  async setAllAsync(values: Iterable<ValueOf<T>>, start = 0): Promise<void> {
    await this._request('setAll', this.#cells(values, start));
  }

  [Symbol.iterator](): Iterator<ValueOf<T>> {
    return this.toArray()[Symbol.iterator]();
  }

  /** The lock guarding the array (Python's `get_lock()`). Throws for `lock: false`. */
  getLock(): BrokerLock {
    if (!this.#lock) throw new TypeError('this Array has no lock (RawArray, or lock: false)');
    return this.#lock;
  }

  protected describe(): string {
    return `<Array ${this.#kind.name}[${this.#length}] #${this._id} (process-wide)>`;
  }
}

/**
 * A typed array shared by every process of the tree, without a lock (Python's `RawArray`).
 *
 * @example
 * ```ts
 * import { RawArray } from 'weft/multiprocessing';
 * const counts = RawArray('i', 4);
 * counts[2] = 7;
 * ```
 */
export function RawArray<T extends CType>(
  type: T,
  sizeOrInit: number | Iterable<ValueOf<T>>,
): SharedArray<T> {
  return new SharedArray(type, sizeOrInit, { lock: false });
}

/** `arr[i]` and `arr[i] = v`. */
installIndexAccess(SharedArray);

defineShared('mp.Array', (d) => new SharedArray(undefined as never, 0, undefined, d));
