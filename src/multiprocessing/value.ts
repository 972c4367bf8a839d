/** `Value` and `RawValue` (Python's `multiprocessing.Value`, `RawValue`) for the process tree. */
import { type Descriptor, defineShared, reviveDescriptor } from '../_internal/handle.js';
import { checkOptions } from '../_internal/validate.js';
import { type CTypeKind, type ValueOf, zeroOf } from '../shared/ctypes.js';
import { BrokerObject, type Spec } from './_broker/proxy.js';
import type { BrokerLock } from './_lock_base.js';
import { type CType, ctype, lockFor, type TypedOptions, toCell } from './_typed_cells.js';
import type { Lock } from './lock.js';
import type { RLock } from './rlock.js';

interface Info {
  type: string;
  lock?: Descriptor | undefined;
}

/**
 * A typed value shared by every process of the tree, guarded by a process `RLock` (or the lock
 * given, or none with `lock: false`). Python's shape: `v.value` reads and `v.value = x`
 * writes, each holding the lock for its own duration; for read-modify-write, hold
 * `getLock()` around it. The value lives in the tree's broker, so `.value` is a blocking round
 * trip; `get()` and `set()` are the same without blocking the event loop.
 *
 * @example
 * ```ts
 * import { Process, Value } from 'weft/multiprocessing';
 * export function add(counter: Value<'i'>, n: number) {
 *   for (let i = 0; i < n; i++) {
 *     using _ = counter.getLock().acquireSync();
 *     counter.value += 1;
 *   }
 * }
 * const counter = new Value('i', 0);
 * const ps = [0, 1].map(() => new Process({ target: add, args: [counter, 1000] }));
 * for (const p of ps) p.start();
 * for (const p of ps) await p.join();
 * console.log(counter.value); // 2000
 * ```
 */
export class Value<T extends CType = CType> extends BrokerObject {
  readonly #kind: CTypeKind;
  readonly #lock: Lock | RLock | undefined;

  constructor(type: T, initial?: ValueOf<T>, options?: TypedOptions, descriptor?: Descriptor) {
    const raw = new.target === RawValue;
    const info = descriptor
      ? (descriptor.extra as { info: Info }).info
      : { type: ctype(type).name, lock: undefined };
    const kind = ctype(info.type);
    let lock: Lock | RLock | undefined;
    let make: ((id: number) => { specs: Spec[]; info: Info }) | undefined;
    if (descriptor) lock = info.lock ? reviveDescriptor<Lock | RLock>(info.lock) : undefined;
    else {
      const o = checkOptions(options, 'options', ['lock']);
      const init = toCell(kind, initial ?? zeroOf(kind), 'initial');
      const l = lockFor(raw ? false : o.lock);
      lock = l.lock;
      make = (id) => ({
        specs: [...l.specs, [id, 'Values', [init], l.id]],
        info: { type: kind.name, lock: lock?.$weft },
      });
    }
    super(raw ? 'mp.RawValue' : 'mp.Value', make, descriptor);
    this.#kind = kind;
    this.#lock = lock;
  }

  /** The value (a blocking round trip; holds the lock while it reads). */
  get value(): ValueOf<T> {
    return this._requestSync('get', [0]) as ValueOf<T>;
  }

  set value(v: ValueOf<T>) {
    this._requestSync('set', [0, toCell(this.#kind, v, 'value')]);
  }

  /** Reads the value without blocking the event loop. */
  async get(): Promise<ValueOf<T>> {
    return (await this._request('get', [0])) as ValueOf<T>;
  }

  /** Writes the value without blocking the event loop. */
  async set(v: ValueOf<T>): Promise<void> {
    await this._request('set', [0, toCell(this.#kind, v, 'value')]);
  }

  /** The element type's name (`'int32'`, `'float64'`...). */
  get typeName(): string {
    return this.#kind.name;
  }

  /** The lock guarding the value (Python's `get_lock()`). Throws for a `RawValue` or `lock: false`. */
  getLock(): BrokerLock {
    if (!this.#lock) throw new TypeError('this Value has no lock (RawValue, or lock: false)');
    return this.#lock;
  }

  protected describe(): string {
    return `<${this.constructor.name} ${this.#kind.name} #${this._id} (process-wide)>`;
  }
}

/**
 * A typed value shared by every process of the tree, without a lock (Python's `RawValue`):
 * each read and write is still whole, but read-modify-write races.
 *
 * @example
 * ```ts
 * import { RawValue } from 'weft/multiprocessing';
 * const flag = new RawValue('?', false);
 * flag.value = true;
 * ```
 */
export class RawValue<T extends CType = CType> extends Value<T> {
  constructor(type: T, initial?: ValueOf<T>, descriptor?: Descriptor) {
    super(type, initial, undefined, descriptor);
  }
}

defineShared('mp.Value', (d) => new Value(undefined as never, undefined, undefined, d));
defineShared('mp.RawValue', (d) => new RawValue(undefined as never, undefined, d));
