/**
 * What crosses to another thread or process, and how.
 *
 * Values cross by structured clone (threads) or Node's `advanced` serialization (processes).
 * On top of that, weft's transports:
 * - send weft's shared objects as handles that arrive live (see `_internal/handle.ts`);
 * - send functions found in arguments as task references ({@link toTaskRef}), rebuilt on the
 *   other side;
 * - send errors with their class name, message, stack, code and cause;
 * - refuse what cannot cross before anything is sent, naming its path (`args[1].socket`).
 */
import { isClonedShared, isDescriptor, ready, reviveWith } from '../_internal/handle.js';
import { describe } from '../_internal/validate.js';
import { ArgumentTypeError } from '../errors.js';
import { decodeError, encodeError, isWireError } from './error_wire.js';
import { resolveTaskRef, resolveTaskRefSync, type TaskRef, toTaskRef } from './task_ref.js';

interface WireFunction {
  $weftFn: TaskRef;
}

function isWireFunction(v: unknown): v is WireFunction {
  return typeof v === 'object' && v !== null && typeof (v as WireFunction).$weftFn === 'object';
}

function isPlainContainer(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** True if `value` holds a function or an error somewhere (so it needs {@link encode}). */
function needsEncoding(value: unknown, depth: number): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  if (value instanceof Error) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (needsEncoding(v, depth + 1)) return true;
    return false;
  }
  if (value instanceof Map) {
    for (const [k, v] of value)
      if (needsEncoding(k, depth + 1) || needsEncoding(v, depth + 1)) return true;
    return false;
  }
  if (value instanceof Set) {
    for (const v of value) if (needsEncoding(v, depth + 1)) return true;
    return false;
  }
  if (
    isPlainContainer(value) &&
    !('$weft' in value && isDescriptor((value as { $weft: unknown }).$weft))
  ) {
    for (const k in value)
      if (needsEncoding((value as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

function encodeDeep(value: unknown, path: string, seen: Map<object, unknown>): unknown {
  if (typeof value === 'function')
    return { $weftFn: toTaskRef(value, path) } satisfies WireFunction;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return encodeError(value);
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out.push(encodeDeep(value[i], `${path}[${i}]`, seen));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value)
      out.set(
        encodeDeep(k, `${path}.<key>`, seen),
        encodeDeep(v, `${path}.get(${String(k)})`, seen),
      );
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(encodeDeep(v, `${path}.<item>`, seen));
    return out;
  }
  if (isPlainContainer(value)) {
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const k of Object.keys(value))
      out[k] = encodeDeep((value as Record<string, unknown>)[k], `${path}.${k}`, seen);
    return out;
  }
  return value;
}

/**
 * Prepares `value` for crossing: functions become task references, errors their flat form.
 * Returns `value` itself (no copy) when it holds neither.
 */
export function encode(value: unknown, path = 'args'): unknown {
  return needsEncoding(value, 0) ? encodeDeep(value, path, new Map()) : value;
}

/** Finds what in `value` structured clone refuses, as `path (what)`; undefined if all clones. */
export function findUncloneable(
  value: unknown,
  path = 'args',
  seen = new Set<object>(),
): string | undefined {
  if (typeof value === 'symbol') return `${path} (${describe(value)})`;
  if (typeof value === 'function') return `${path} (${describe(value)})`;
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  try {
    structuredClone(value);
    return undefined;
  } catch {}
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUncloneable(value[i], `${path}[${i}]`, seen);
      if (found) return found;
    }
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      const found =
        findUncloneable(k, `${path}.<key>`, seen) ??
        findUncloneable(v, `${path}.get(${String(k)})`, seen);
      if (found) return found;
    }
  } else if (value instanceof Set) {
    for (const v of value) {
      const found = findUncloneable(v, `${path}.<item>`, seen);
      if (found) return found;
    }
  } else {
    for (const k of Object.keys(value)) {
      const found = findUncloneable((value as Record<string, unknown>)[k], `${path}.${k}`, seen);
      if (found) return found;
    }
  }
  return `${path} (${describe(value)})`;
}

/**
 * The error for a value that cannot cross, naming its path. `cause` is the clone error.
 */
export function uncloneableError(value: unknown, path: string, cause?: unknown): ArgumentTypeError {
  const where = findUncloneable(value, path) ?? path;
  return new ArgumentTypeError(
    `${where} cannot be sent to another thread: only structured-cloneable values, weft's shared objects and exported functions cross`,
    { cause },
  );
}

/**
 * Checks that `value` (already {@link encode}d) can be cloned, throwing {@link uncloneableError}
 * otherwise. Used where the transport would fail later, away from the caller.
 */
export function assertCloneable(value: unknown, path: string): void {
  try {
    structuredClone(value);
  } catch (err) {
    throw uncloneableError(value, path, err);
  }
}

/** Set by {@link collectRefs} when a value holds a process object's handle. */
let sawProcessObject = false;

function collectRefs(value: unknown, refs: TaskRef[], seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (isWireFunction(value)) {
    refs.push(value.$weftFn);
    return;
  }
  if (isClonedShared(value)) {
    if (value.$weft.type.startsWith('mp.')) sawProcessObject = true;
    return;
  }
  if (Array.isArray(value) || value instanceof Set)
    for (const v of value) collectRefs(v, refs, seen);
  else if (value instanceof Map) {
    for (const [k, v] of value) {
      collectRefs(k, refs, seen);
      collectRefs(v, refs, seen);
    }
  } else if (isPlainContainer(value))
    for (const k of Object.keys(value))
      collectRefs((value as Record<string, unknown>)[k], refs, seen);
}

/**
 * Turns a received value back into live objects: shared handles revived, functions rebuilt
 * (importing their modules), errors rebuilt as their classes.
 */
export async function decode<T>(value: T): Promise<T> {
  if (typeof value !== 'object' || value === null) return value;
  const refs: TaskRef[] = [];
  sawProcessObject = false;
  collectRefs(value, refs, new Set());
  // A thread or process whose code never imported weft/multiprocessing can still receive
  // its objects: load their classes first.
  if (sawProcessObject) await import('../multiprocessing/_revivers.js');
  const fns = new Map<TaskRef, Function>();
  await Promise.all(refs.map(async (r) => fns.set(r, await resolveTaskRef(r))));
  const result = decodeSync(value, fns);
  await ready();
  return result;
}

/**
 * {@link decode} without waiting: revives handles and errors, and rebuilds functions that are
 * resolved already (in `fns`) or whose modules this isolate has imported.
 */
export function decodeSync<T>(value: T, fns?: Map<TaskRef, Function>): T {
  if (typeof value !== 'object' || value === null) return value;
  return reviveWith(
    value,
    (v) => {
      if (isWireError(v)) return decodeError(v);
      if (isWireFunction(v)) return fns?.get(v.$weftFn) ?? resolveTaskRefSync(v.$weftFn) ?? v;
      return undefined;
    },
    new Set(),
  );
}

/**
 * True if `value` may hold a weft shared object (a `$weft` descriptor): the receiving isolate
 * then loads the shared-object classes before reviving it. Looks at most `budget` values deep.
 */
export function mayHoldShared(value: unknown, budget = { left: 10_000 }): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (--budget.left < 0) return true;
  if ('$weft' in value) return true;
  if (Array.isArray(value) || value instanceof Set) {
    for (const v of value) if (mayHoldShared(v, budget)) return true;
  } else if (value instanceof Map) {
    for (const [k, v] of value)
      if (mayHoldShared(k, budget) || mayHoldShared(v, budget)) return true;
  } else if (isPlainContainer(value)) {
    for (const k in value)
      if (mayHoldShared((value as Record<string, unknown>)[k], budget)) return true;
  }
  return false;
}

let sharedTypes: Promise<unknown> | undefined;

/** Loads weft's shared-object classes (Lock, Queue…) so that descriptors can be revived. */
export function loadSharedTypes(): Promise<unknown> {
  sharedTypes ??= Promise.all([import('../threading/index.js'), import('../queue/index.js')]);
  return sharedTypes;
}
