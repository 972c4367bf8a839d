/**
 * `local` (Python's `threading.local`): an object whose attributes are per thread.
 */
import { inspect } from 'node:util';
import { type Descriptor, defineShared, SharedObject } from '../_internal/handle.js';
import { currentIdent } from '../_internal/registry.js';

/** Each thread's attributes, by local uid then thread ident (this isolate's threads only). */
const values = new Map<number, Map<number, Map<PropertyKey, unknown>>>();

function attrs(obj: SharedObject & { $weft: Descriptor }): Map<PropertyKey, unknown> {
  const uid = obj.$weft.uid;
  let perThread = values.get(uid);
  if (!perThread) values.set(uid, (perThread = new Map()));
  const ident = currentIdent();
  let own = perThread.get(ident);
  if (!own) perThread.set(ident, (own = new Map()));
  return own;
}

/**
 * Thread-local data: each thread that reads or writes an attribute sees its own value.
 * Create it anywhere and pass it to threads: it crosses as a handle, and every thread starts
 * with no attributes of its own.
 *
 * @example
 * ```ts
 * import { local, Thread, currentThread } from 'weft/threading';
 *
 * export const ctx = local<{ student?: string }>();
 * export function processStudent(name: string) {
 *   ctx.student = name;
 *   greet();
 * }
 * function greet() {
 *   console.log(`Hello, ${ctx.student} (in ${currentThread().name})`);
 * }
 * ```
 */
export class Local extends SharedObject {
  constructor(descriptor?: Descriptor) {
    super('local', descriptor?.buffer ?? new SharedArrayBuffer(8), undefined, descriptor);
  }

  protected describe(): string {
    return `<local #${this.$weft.uid} ${inspect(Object.fromEntries(attrs(this)))}>`;
  }
}

/** Keys handled by the object itself rather than stored per thread. */
const own = new Set<PropertyKey>(['$weft', 'constructor', 'toString']);

Object.setPrototypeOf(
  Local.prototype,
  new Proxy(Object.getPrototypeOf(Local.prototype) as object, {
    get(target, key, receiver) {
      if (receiver instanceof Local && !own.has(key) && typeof key === 'string') {
        const a = attrs(receiver);
        if (a.has(key)) return a.get(key);
      }
      return Reflect.get(target, key, receiver);
    },
    set(target, key, value, receiver) {
      if (receiver instanceof Local && !own.has(key) && typeof key === 'string') {
        attrs(receiver).set(key, value);
        return true;
      }
      return Reflect.set(target, key, value, receiver);
    },
    has(target, key) {
      return Reflect.has(target, key);
    },
  }),
);

/** @internal Drops the attributes a thread that ended had on every `local`. */
export function forgetThreadLocals(ident: number): void {
  for (const perThread of values.values()) perThread.delete(ident);
}

/** Creates thread-local data (Python's `threading.local()`); type its attributes with `T`. */
export function local<T extends object = Record<string, any>>(): Local & Partial<T> {
  return new Local() as Local & Partial<T>;
}

defineShared('local', (d) => new Local(d));
