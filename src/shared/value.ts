/**
 * `Value` and `RawValue` (Python's `multiprocessing.sharedctypes`, for threads): one number
 * (or bigint, char, bool) in shared memory, optionally guarded by a lock.
 */
import {
  type Descriptor,
  defineShared,
  reviveDescriptor,
  SharedObject,
} from '../_internal/handle.js';
import { checkOptions } from '../_internal/validate.js';
import {
  type CType,
  type CTypeKind,
  ctype,
  type TypedArray,
  type ValueOf,
  zeroOf,
} from './ctypes.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';

/**
 * A value in shared memory with no lock: reads and writes are plain (each one is whole,
 * but `v.value += 1` from two threads can lose an update).
 *
 * @example
 * ```ts
 * import { RawValue } from 'weft/threading';
 * const flag = new RawValue('?', false);
 * flag.value = true; // seen by every thread that has `flag`
 * ```
 */
export class RawValue<T extends CType = CType> extends SharedObject {
  readonly #kind: CTypeKind;
  readonly #cell: TypedArray;

  constructor(type: T, initial?: ValueOf<T>, descriptor?: Descriptor, name = 'RawValue') {
    const k = ctype(descriptor ? (descriptor.extra as { type: CType }).type : type);
    const buffer = descriptor?.buffer ?? new SharedArrayBuffer(8);
    super(name, buffer, { type: k.name, ...(descriptor?.extra as object) }, descriptor);
    this.#kind = k;
    this.#cell = k.make(buffer, 0, 1);
    if (!descriptor) this.#cell[0] = k.fromJs(initial ?? zeroOf(k), 'initial') as never;
  }

  /** The value. */
  get value(): ValueOf<T> {
    return this.#kind.toJs(this.#cell[0]!) as ValueOf<T>;
  }

  set value(v: ValueOf<T>) {
    this.#cell[0] = this.#kind.fromJs(v, 'value') as never;
  }

  /** The element type's name (`'int32'`, `'float64'`…). */
  get typeName(): string {
    return this.#kind.name;
  }

  protected describe(): string {
    return `<${this.$weft.type} ${this.#kind.name} ${String(this.value)}>`;
  }
}

/** Options of a synchronized `Value`. */
export interface ValueOptions {
  /** `true` (default): a new `RLock`; `false`: no lock (like `RawValue`); or a `Lock`/`RLock` to share. */
  lock?: boolean | Lock | RLock;
}

function lockFrom(
  option: ValueOptions['lock'],
  descriptor: Descriptor | undefined,
): Lock | RLock | undefined {
  if (descriptor) {
    const d = (descriptor.extra as { lock?: Descriptor }).lock;
    return d ? reviveDescriptor<Lock | RLock>(d) : undefined;
  }
  if (option === undefined || option === true) return new RLock();
  if (option === false) return undefined;
  if (option instanceof Lock || option instanceof RLock) return option;
  throw new TypeError('lock must be true, false, a Lock or an RLock');
}

/**
 * A value in shared memory guarded by a lock (an `RLock` unless given one): each read and
 * each write of `.value` holds the lock. For read-modify-write, hold `getLock()` around it.
 *
 * @example
 * ```ts
 * import { Value } from 'weft/threading';
 *
 * const counter = new Value('i', 0);
 * // in each thread:
 * {
 *   using _ = counter.getLock().acquireSync();
 *   counter.value += 1;
 * }
 * ```
 */
export class Value<T extends CType = CType> extends RawValue<T> {
  readonly #lock: Lock | RLock | undefined;

  constructor(type: T, initial?: ValueOf<T>, options?: ValueOptions, descriptor?: Descriptor) {
    const opts = descriptor ? {} : checkOptions(options, 'options', ['lock']);
    const lock = lockFrom(opts.lock, descriptor);
    super(type, initial, descriptor ?? undefined, 'Value');
    if (!descriptor && lock) (this.$weft.extra as { lock?: Descriptor }).lock = lock.$weft;
    this.#lock = lock;
  }

  override get value(): ValueOf<T> {
    const lock = this.#lock;
    if (!lock) return super.value;
    lock._acquireBlocking();
    try {
      return super.value;
    } finally {
      lock.release();
    }
  }

  override set value(v: ValueOf<T>) {
    const lock = this.#lock;
    if (!lock) {
      super.value = v;
      return;
    }
    lock._acquireBlocking();
    try {
      super.value = v;
    } finally {
      lock.release();
    }
  }

  /** The lock guarding the value (Python's `get_lock()`). Throws if created with `lock: false`. */
  getLock(): Lock | RLock {
    if (!this.#lock) throw new TypeError('this Value was created with lock: false and has no lock');
    return this.#lock;
  }
}

defineShared('RawValue', (d) => new RawValue(undefined as never, undefined, d));
defineShared('Value', (d) => new Value(undefined as never, undefined, undefined, d));
