/**
 * How weft's shared objects cross threads.
 *
 * A shared object (Lock, Event, Queue, Value…) is a thin wrapper over one or more
 * `SharedArrayBuffer`s. Its only own enumerable property is `$weft`, a descriptor holding
 * those buffers, the thread registry's buffers and whatever else it needs to rebuild itself.
 * Structured clone copies exactly that, so an object sent with a plain `postMessage`
 * arrives as `{ $weft: … }`; {@link revive} turns it back into a live object on the same
 * memory. weft's own transports (thread arguments, pool tasks, queue items) revive
 * automatically.
 *
 * Each buffer maps to one wrapper per thread: reviving the same lock twice gives the same
 * object, so identity checks (`cond.lock === lock`) hold after crossing.
 */
import { inspect } from 'node:util';
import { adoptRegistry, nextUid, type RegistryBuffers, registryBuffers } from './registry.js';

/** The serialisable state of a shared object. */
export interface Descriptor {
  /** The class, as registered with {@link defineShared}. */
  type: string;
  /** Unique in the registry: the object's identity, whatever copy of the buffer object carries it. */
  uid: number;
  /**
   * The object's main buffer (its identity). None for an object that lives in another process
   * (weft/multiprocessing's, served by the process tree's broker and named by `uid`).
   */
  buffer?: SharedArrayBuffer | undefined;
  /** The thread registry the object's owner idents refer to (with `buffer` only). */
  registry?: RegistryBuffers | undefined;
  /** Anything else the class needs (plain cloneable data, nested descriptors). */
  extra?: unknown;
}

type Reviver = (d: Descriptor) => object;
const revivers = new Map<string, Reviver>();
/** This thread's wrapper for each uid (a buffer arrives as a new object each time it crosses). */
const live = new Map<number, WeakRef<object>>();
const forget = new FinalizationRegistry<number>((uid) => {
  if (!live.get(uid)?.deref()) live.delete(uid);
});

function remember(uid: number, obj: object): void {
  live.set(uid, new WeakRef(obj));
  forget.register(obj, uid);
}

const pendingReady: Promise<unknown>[] = [];

/**
 * Called by a reviver that needs more than the descriptor to be ready (a barrier's action,
 * whose module must be imported): weft's transports wait for these before handing over
 * the values.
 */
export function deferReady(p: Promise<unknown>): void {
  pendingReady.push(p);
}

/** Waits for everything revivers deferred so far. */
export async function ready(): Promise<void> {
  while (pendingReady.length) await Promise.all(pendingReady.splice(0));
}

/** Registers how to rebuild objects of `type` from a descriptor. */
export function defineShared(type: string, reviver: Reviver): void {
  revivers.set(type, reviver);
}

/** True if `value` is a descriptor produced by a shared object. */
export function isDescriptor(value: unknown): value is Descriptor {
  const d = value as Descriptor | undefined;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.type === 'string' &&
    typeof d.uid === 'number' &&
    (d.buffer === undefined
      ? d.registry === undefined
      : d.buffer instanceof SharedArrayBuffer && typeof d.registry === 'object')
  );
}

/** True if `value` is a cloned shared object: `{ $weft: descriptor }` without its class. */
export function isClonedShared(value: unknown): value is { $weft: Descriptor } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    isDescriptor((value as { $weft?: unknown }).$weft)
  );
}

/** Rebuilds (or finds, if this thread already has it) the live object for a descriptor. */
export function reviveDescriptor<T extends object = object>(d: Descriptor): T {
  const existing = live.get(d.uid)?.deref();
  if (existing) return existing as T;
  const reviver = revivers.get(d.type);
  if (!reviver) {
    throw new TypeError(
      `weft: cannot revive a shared ${d.type} here: import the weft module that defines it first`,
    );
  }
  if (d.registry) adoptRegistry(d.registry);
  const obj = reviver(d);
  remember(d.uid, obj);
  return obj as T;
}

/**
 * Turns every cloned shared object inside `value` (a message received with a plain
 * `postMessage`) back into a live object on the same memory. Returns `value` itself when it
 * is a cloned shared object, or the same container with its members revived in place.
 *
 * @example
 * ```ts
 * import { parentPort } from 'node:worker_threads';
 * import { revive } from 'weft/threading';
 * parentPort!.on('message', (msg) => {
 *   const { lock } = revive(msg);
 *   lock.acquireSync();
 *   // ...
 *   lock.release();
 * });
 * ```
 */
export function revive<T>(value: T): T {
  return reviveWith(value, undefined, new Set());
}

/**
 * {@link revive}, also replacing each value for which `special` returns something other than
 * `undefined` (weft's transports use it for functions and errors that crossed).
 */
export function reviveWith<T>(
  value: T,
  special: ((v: object) => unknown) | undefined,
  seen: Set<object>,
): T {
  if (typeof value !== 'object' || value === null) return value;
  if (isClonedShared(value)) return reviveDescriptor(value.$weft) as T;
  if (special) {
    const replaced = special(value);
    if (replaced !== undefined) return replaced as T;
  }
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveWith(value[i], special, seen);
  } else if (value instanceof Map) {
    for (const [k, v] of value) value.set(k, reviveWith(v, special, seen));
  } else if (value instanceof Set) {
    const items = [...value];
    value.clear();
    for (const v of items) value.add(reviveWith(v, special, seen));
  } else if (
    Object.getPrototypeOf(value) === Object.prototype ||
    Object.getPrototypeOf(value) === null
  ) {
    const rec = value as Record<string, unknown>;
    for (const k of Object.keys(rec)) rec[k] = reviveWith(rec[k], special, seen);
  }
  return value;
}

/**
 * Base of every shared object: holds the descriptor as its one enumerable property and
 * registers itself so that this thread maps its buffer to it.
 */
export abstract class SharedObject {
  /** The state that crosses threads. Not part of the API: use {@link revive} on the other side. */
  declare readonly $weft: Descriptor;

  /**
   * `descriptor` when reviving; otherwise a new object of `type` on `buffer`, or, with
   * `buffer` a number, a handle on an object served elsewhere whose uid that number is.
   */
  protected constructor(
    type: string,
    buffer: SharedArrayBuffer | number,
    extra?: unknown,
    descriptor?: Descriptor,
  ) {
    const d: Descriptor = descriptor
      ? { ...descriptor, extra: descriptor.extra }
      : typeof buffer === 'number'
        ? { type, uid: buffer, extra }
        : { type, uid: nextUid(), buffer, registry: registryBuffers(), extra };
    Object.defineProperty(this, '$weft', { value: d, enumerable: true });
    if (!descriptor) remember(d.uid, this);
  }

  /** The object's uid (its name in reports: `Lock #12`). */
  protected get uid(): number {
    return this.$weft.uid;
  }

  /** A short description for `console.log`, such as `<Lock #3 locked>`. */
  protected abstract describe(): string;

  [inspect.custom](): string {
    return this.describe();
  }

  toString(): string {
    return this.describe();
  }
}
