/**
 * Errors across threads and processes: the class name, message, stack, `code`, `cause` and
 * other own properties survive; weft's own errors come back as their own classes, built-in
 * errors as the built-in class, and any other error as an `Error` subclass of the same name.
 */
import { errorClasses } from '../errors.js';

/** An error flattened for structured clone or JSON. */
export interface WireError {
  $weftError: 1;
  name: string;
  message: string;
  stack?: string | undefined;
  code?: unknown;
  cause?: unknown;
  errors?: unknown[] | undefined;
  props?: Record<string, unknown> | undefined;
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

const named = new Map<string, new (message?: string) => Error>();

function classNamed(name: string): new (message?: string) => Error {
  let c = named.get(name);
  if (!c) {
    // A subclass carrying the remote class's name: `err.constructor.name === name`.
    c = { [name]: class extends Error {} }[name]!;
    Object.defineProperty(c.prototype, 'name', { value: name, writable: true, configurable: true });
    named.set(name, c);
  }
  return c;
}

function plain(value: unknown): boolean {
  if (value === null || typeof value !== 'object')
    return typeof value !== 'function' && typeof value !== 'symbol';
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Flattens an error (or any thrown value) for crossing. */
export function encodeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 8) return plain(err) ? err : String(err);
  const e = err as Error & { code?: unknown; errors?: unknown[] };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    if (key === 'code' || key === 'cause' || key === 'errors') continue;
    const v = (e as unknown as Record<string, unknown>)[key];
    if (plain(v)) props[key] = v;
  }
  return {
    $weftError: 1,
    name: e.name,
    message: e.message,
    stack: e.stack,
    code: e.code,
    cause: 'cause' in e ? encodeError(e.cause, depth + 1) : undefined,
    errors: Array.isArray(e.errors) ? e.errors.map((x) => encodeError(x, depth + 1)) : undefined,
    props: Object.keys(props).length ? props : undefined,
  } satisfies WireError;
}

/** True if `value` is a flattened error. */
export function isWireError(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && (value as WireError).$weftError === 1;
}

/** Rebuilds an error flattened by {@link encodeError}. */
export function decodeError(value: unknown): unknown {
  if (!isWireError(value)) return value;
  const Ctor = errorClasses.get(value.name) ?? builtins[value.name] ?? classNamed(value.name);
  let err: Error;
  if (value.name === 'AggregateError' || value.name === 'ExceptionGroup') {
    const members = (value.errors ?? []).map(decodeError);
    const Agg = (errorClasses.get(value.name) ?? AggregateError) as unknown as new (
      errors: unknown[],
      message: string,
    ) => Error;
    err =
      value.name === 'ExceptionGroup'
        ? new (Agg as any)(value.message, members)
        : new Agg(members, value.message);
  } else err = new Ctor(value.message);
  if (value.stack !== undefined)
    Object.defineProperty(err, 'stack', { value: value.stack, writable: true, configurable: true });
  if (value.code !== undefined)
    Object.defineProperty(err, 'code', {
      value: value.code,
      writable: true,
      configurable: true,
      enumerable: true,
    });
  if (value.cause !== undefined)
    Object.defineProperty(err, 'cause', {
      value: decodeError(value.cause),
      writable: true,
      configurable: true,
    });
  if (value.props) {
    for (const [k, v] of Object.entries(value.props)) {
      // A key named like a prototype slot must not replace the rebuilt error's prototype.
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      (err as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return err;
}
