/**
 * What the process `Value` and `Array` share: their element type (the type codes of
 * `weft/threading`'s), values converted as a C cell of that type would store them (an
 * `'i'` wraps at 2^31), and their lock option.
 */
import { typeError } from '../_internal/validate.js';
import { type CType, type CTypeKind, ctype } from '../shared/ctypes.js';
import type { Spec } from './_broker/proxy.js';
import type { BrokerLock } from './_lock_base.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';

/**
 * Options of a process `Value` or `Array`.
 *
 * @example
 * ```ts
 * import { Lock, Value, type TypedOptions } from 'weft/multiprocessing';
 * const options: TypedOptions = { lock: new Lock() };
 * const v = new Value('i', 0, options);
 * ```
 */
export interface TypedOptions {
  /** `true` (default): a new process `RLock`; `false`: none (as `RawValue`); or a process `Lock`/`RLock` to share. */
  lock?: boolean | Lock | RLock | undefined;
}

const cells = new Map<string, ArrayLike<number | bigint> & { [i: number]: number | bigint }>();

/** `value` converted to `kind`, as it reads back from a cell of that type. */
export function toCell(kind: CTypeKind, value: unknown, what: string): unknown {
  let cell = cells.get(kind.name);
  if (!cell) {
    cell = kind.make(new SharedArrayBuffer(8), 0, 1) as never;
    cells.set(kind.name, cell!);
  }
  cell![0] = kind.fromJs(value, what);
  return kind.toJs(cell![0]!);
}

/** The lock for `option`: its specs and id (0 and none for no lock), and the handle. */
export function lockFor(option: TypedOptions['lock']): {
  lock: Lock | RLock | undefined;
  specs: Spec[];
  id: number;
} {
  let lock: Lock | RLock | undefined;
  if (option === undefined || option === true) lock = new RLock();
  else if (option instanceof Lock || option instanceof RLock) lock = option;
  else if (option !== false)
    typeError('lock', 'true, false, or a Lock or RLock of weft/multiprocessing', option);
  const l = lock as BrokerLock | undefined;
  return { lock, specs: l ? l._specs : [], id: l ? l._lockId : 0 };
}

export { type CType, ctype };
