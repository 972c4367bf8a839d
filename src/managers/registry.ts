/**
 * What a manager class has registered: for each typeid, the callable that makes its objects
 * and which of their methods a proxy may call. Each class has its own registry, copied from
 * its parent's on its first `register`, so registering on a subclass never changes another
 * class (Python's `cls._registry`).
 */
import { checkOptions, typeError, valueError } from '../_internal/validate.js';

/**
 * Options of `BaseManager.register`.
 *
 * @example
 * ```ts
 * import { BaseManager } from 'weft/managers';
 * class Counter { n = 0; inc() { return ++this.n; } reset() { this.n = 0; } }
 * class MyManager extends BaseManager {}
 * MyManager.register('Counter', () => new Counter(), { exposed: ['inc'] }); // reset stays private
 * ```
 */
export interface RegisterOptions {
  /**
   * The methods a proxy may call. Default: the object's public methods (every function-valued
   * property, own or inherited below `Object.prototype`, whose name does not start with `_`).
   * Giving it also makes the result a proxy even when it is plain data.
   */
  exposed?: readonly string[] | undefined;
  /**
   * Methods whose result comes back as a proxy of another registered typeid, rather than as a
   * copy (Python's `method_to_typeid`): `{ iter: 'Iterator' }`.
   */
  methodToTypeid?: Readonly<Record<string, string>> | undefined;
  /** Whether the typeid becomes a method of the manager (default `true`). */
  createMethod?: boolean | undefined;
}

/** One registered typeid. */
export interface Registration {
  readonly typeid: string;
  readonly callable: ((...args: any[]) => unknown) | undefined;
  readonly exposed: readonly string[] | undefined;
  readonly methodToTypeid: Readonly<Record<string, string>> | undefined;
}

/**
 * Names a proxy can never expose: they would shadow the proxy's own members, make it a
 * thenable (`then`: awaiting it would call the remote method) or reach the prototype.
 */
const NOT_EXPOSABLE: ReadonlySet<string> = new Set([
  'then',
  'constructor',
  'prototype',
  '__proto__',
  '_callmethod',
  '_getvalue',
  '_close',
  '_token',
  '_exposed',
  'toString',
  'toJSON',
  'valueOf',
]);

/** Whether a proxy may carry a method of this name. */
export function isExposable(name: string): boolean {
  return name !== '' && !NOT_EXPOSABLE.has(name);
}

const REGISTRY = Symbol('weft.managers.registry');

type WithRegistry = { [REGISTRY]?: Map<string, Registration> };

/** The registry of a manager class (its own, or the one it inherits). */
export function registryOf(cls: object): ReadonlyMap<string, Registration> {
  return (cls as WithRegistry)[REGISTRY] ?? new Map();
}

function checkNames(value: unknown, name: string): readonly string[] {
  if (!Array.isArray(value)) typeError(name, 'an array of method names', value);
  for (const [i, method] of value.entries()) {
    if (typeof method !== 'string') typeError(`${name}[${i}]`, 'a string', method);
    if (!isExposable(method))
      valueError(`${name}[${i}]`, 'a method name a proxy may carry', method);
  }
  return Object.freeze([...value]);
}

function checkMethodToTypeid(value: unknown, name: string): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    typeError(name, 'an object mapping method names to typeids', value);
  const map: Record<string, string> = Object.create(null);
  for (const [method, typeid] of Object.entries(value)) {
    if (!isExposable(method)) valueError(`${name} key`, 'a method name a proxy may carry', method);
    if (typeof typeid !== 'string' || typeid === '')
      typeError(`${name}.${method}`, 'a typeid (a non-empty string)', typeid);
    map[method] = typeid;
  }
  return Object.freeze(map);
}

/**
 * Checks a registration and records it on `cls` (copying the inherited registry first).
 * Returns the checked registration and whether it asks for a manager method.
 */
export function register(
  cls: object,
  typeid: unknown,
  callable: unknown,
  options: RegisterOptions | undefined,
): { registration: Registration; createMethod: boolean } {
  if (typeof typeid !== 'string') typeError('typeid', 'a string', typeid);
  if (typeid === '') valueError('typeid', 'a non-empty string', typeid);
  if (callable !== undefined && callable !== null && typeof callable !== 'function')
    typeError('callable', 'a function (or undefined)', callable);
  const opts = checkOptions(options, 'options', ['exposed', 'methodToTypeid', 'createMethod'], {
    method_to_typeid: 'methodToTypeid',
    create_method: 'createMethod',
  });
  const createMethod = opts.createMethod ?? true;
  if (typeof createMethod !== 'boolean')
    typeError('options.createMethod', 'a boolean', opts.createMethod);
  const registration: Registration = Object.freeze({
    typeid,
    callable: (callable ?? undefined) as Registration['callable'],
    exposed: opts.exposed === undefined ? undefined : checkNames(opts.exposed, 'options.exposed'),
    methodToTypeid:
      opts.methodToTypeid === undefined
        ? undefined
        : checkMethodToTypeid(opts.methodToTypeid, 'options.methodToTypeid'),
  });
  const holder = cls as WithRegistry;
  if (!Object.hasOwn(holder, REGISTRY)) holder[REGISTRY] = new Map(holder[REGISTRY] ?? []);
  holder[REGISTRY]!.set(typeid, registration);
  return { registration, createMethod };
}

/** Values that always cross as data, never as a proxy, unless `exposed` is given. */
function isData(value: object): boolean {
  return (
    Array.isArray(value) ||
    value instanceof Date ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Error ||
    value instanceof RegExp ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value)
  );
}

/**
 * The public methods of `obj` (Python's `public_methods`): function-valued properties, own or
 * inherited below `Object.prototype`, whose names do not start with `_`. Accessors are not read.
 */
export function publicMethods(obj: object): string[] {
  const names = new Set<string>();
  for (
    let o: object | null = obj;
    o && o !== Object.prototype && o !== Function.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name.startsWith('_') || !isExposable(name)) continue;
      const d = Object.getOwnPropertyDescriptor(o, name)!;
      if (typeof d.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/**
 * The methods a proxy of `value` exposes, or `undefined` if `value` crosses as data. With
 * `exposed` registered, or `asProxy` (a `methodToTypeid` result), it is always a proxy;
 * otherwise only an object with public methods that is not a built-in data type is. The
 * `methodToTypeid` keys are exposed too.
 */
export function exposedOf(
  value: unknown,
  registration: Registration,
  asProxy = false,
): string[] | undefined {
  const mapped = registration.methodToTypeid ? Object.keys(registration.methodToTypeid) : [];
  if (registration.exposed) return [...new Set([...registration.exposed, ...mapped])];
  const isObject = (typeof value === 'object' && value !== null) || typeof value === 'function';
  const methods = isObject && (asProxy || !isData(value)) ? publicMethods(value) : [];
  if (!asProxy && methods.length === 0) return undefined;
  return [...new Set([...methods, ...mapped])];
}
