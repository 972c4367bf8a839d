/**
 * `Array`/`SharedArray` and `RawArray` (Python's `multiprocessing.sharedctypes`, for threads):
 * fixed-length arrays of numbers in shared memory.
 */

import {
  type Descriptor,
  defineShared,
  reviveDescriptor,
  SharedObject,
} from '../_internal/handle.js';
import { installIndexAccess } from '../_internal/index_access.js';
import { checkInt, checkOptions, typeError } from '../_internal/validate.js';
import { IndexError } from '../errors.js';
import { type CType, type CTypeKind, ctype, type TypedArray, type ValueOf } from './ctypes.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';
import type { ValueOptions } from './value.js';

function elements(
  kind: CTypeKind,
  sizeOrInit: unknown,
): { length: number; init?: Iterable<unknown> } {
  if (typeof sizeOrInit === 'number') return { length: checkInt(sizeOrInit, 'sizeOrInit', 0) };
  if (sizeOrInit !== null && typeof sizeOrInit === 'object' && Symbol.iterator in sizeOrInit) {
    const init = [...(sizeOrInit as Iterable<unknown>)];
    return { length: init.length, init };
  }
  return typeError('sizeOrInit', `a length or an iterable of ${kind.name} values`, sizeOrInit);
}

/**
 * A typed array over shared memory (Python's `RawArray`): plain element access, no lock. It
 * crosses to other threads as the same memory with any transport, even a plain `postMessage`.
 *
 * @example
 * ```ts
 * import { RawArray } from 'weft/threading';
 * const counts = RawArray('i', 4); // Int32Array of 4 zeros in shared memory
 * counts[2] = 7;
 * ```
 */
export function RawArray(
  type: CType,
  sizeOrInit: number | Iterable<number | bigint | string | boolean>,
): TypedArray {
  const kind = ctype(type);
  const { length, init } = elements(kind, sizeOrInit);
  const view = kind.make(new SharedArrayBuffer(Math.max(8, length * kind.bytes)), 0, length);
  if (init) {
    let i = 0;
    for (const v of init) view[i++] = kind.fromJs(v, `sizeOrInit[${i - 1}]`) as never;
  }
  return view;
}

/**
 * A fixed-length array in shared memory guarded by a lock (Python's synchronized `Array`;
 * exported as both `SharedArray` and `Array`). Index it like an array — each element read
 * or write holds the lock — or hold `getLock()` around several operations.
 *
 * @example
 * ```ts
 * import { Array as SharedArray } from 'weft/threading';
 *
 * const arr = new SharedArray('d', [1.5, 2.5, 3.5]);
 * arr[0] = 10;                 // or arr.set(0, 10)
 * console.log(arr[0], arr.length, [...arr]);
 * {
 *   using _ = arr.getLock().acquireSync();
 *   for (let i = 0; i < arr.length; i++) arr[i] *= 2;
 * }
 * ```
 */
export class SharedArray<T extends CType = CType>
  extends SharedObject
  implements Iterable<ValueOf<T>>
{
  [index: number]: ValueOf<T>;
  readonly #kind: CTypeKind;
  readonly #view: TypedArray;
  readonly #lock: Lock | RLock | undefined;

  constructor(
    type: T,
    sizeOrInit: number | Iterable<ValueOf<T>>,
    options?: ValueOptions,
    descriptor?: Descriptor,
  ) {
    const extra = descriptor?.extra as
      | { type: CType; length: number; lock?: Descriptor }
      | undefined;
    const kind = ctype(extra ? extra.type : type);
    const opts = descriptor ? {} : checkOptions(options, 'options', ['lock']);
    const { length, init } = extra
      ? { length: extra.length, init: undefined }
      : elements(kind, sizeOrInit);
    let lock: Lock | RLock | undefined;
    if (extra) lock = extra.lock ? reviveDescriptor<Lock | RLock>(extra.lock) : undefined;
    else if (opts.lock === undefined || opts.lock === true) lock = new RLock();
    else if (opts.lock instanceof Lock || opts.lock instanceof RLock) lock = opts.lock;
    else if (opts.lock !== false) typeError('lock', 'true, false, a Lock or an RLock', opts.lock);
    const buffer = descriptor?.buffer ?? new SharedArrayBuffer(Math.max(8, length * kind.bytes));
    super('Array', buffer, { type: kind.name, length, lock: lock?.$weft }, descriptor);
    this.#kind = kind;
    this.#view = kind.make(buffer, 0, length);
    this.#lock = lock;
    if (init) {
      let i = 0;
      for (const v of init) this.#view[i++] = kind.fromJs(v, `sizeOrInit[${i - 1}]`) as never;
    }
  }

  /** Number of elements. */
  get length(): number {
    return this.#view.length;
  }

  #index(i: number): number {
    if (!Number.isInteger(i)) typeError('index', 'an integer', i);
    const n = this.#view.length;
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new IndexError(`index ${i} out of range for length ${n}`);
    return j;
  }

  #locked<R>(fn: () => R): R {
    const lock = this.#lock;
    if (!lock) return fn();
    lock._acquireBlocking();
    try {
      return fn();
    } finally {
      lock.release();
    }
  }

  /** The element at `index` (negative counts from the end). */
  get(index: number): ValueOf<T> {
    const j = this.#index(index);
    return this.#locked(() => this.#kind.toJs(this.#view[j]!)) as ValueOf<T>;
  }

  /** Sets the element at `index` (negative counts from the end). */
  set(index: number, value: ValueOf<T>): void {
    const j = this.#index(index);
    const raw = this.#kind.fromJs(value, 'value');
    this.#locked(() => {
      this.#view[j] = raw as never;
    });
  }

  /** A copy of the elements, read under the lock. */
  toArray(): ValueOf<T>[] {
    return this.#locked(() =>
      Array.from(this.#view as ArrayLike<number | bigint>, (x) => this.#kind.toJs(x) as ValueOf<T>),
    );
  }

  [Symbol.iterator](): Iterator<ValueOf<T>> {
    return this.toArray()[Symbol.iterator]();
  }

  /** The lock guarding the array (Python's `get_lock()`). Throws if created with `lock: false`. */
  getLock(): Lock | RLock {
    if (!this.#lock) throw new TypeError('this Array was created with lock: false and has no lock');
    return this.#lock;
  }

  /** The underlying typed array, unguarded (Python's `get_obj()`). */
  getObj(): TypedArray {
    return this.#view;
  }

  protected describe(): string {
    return `<Array ${this.#kind.name}[${this.length}]>`;
  }
}

/** `arr[i]` and `arr[i] = v`. */
installIndexAccess(SharedArray);

defineShared('Array', (d) => new SharedArray(undefined as never, 0, undefined, d));
