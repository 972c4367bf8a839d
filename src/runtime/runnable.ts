/**
 * A runnable object crossing to another isolate: a `Thread` or a `Process`, with its target
 * and arguments or, for a subclass, its class and own fields. Python pickles a Process object
 * the same way for its spawn start method: the class by reference, the instance's `__dict__`
 * by value.
 */
import { checkOptions, typeError } from '../_internal/validate.js';
import { decode, encode, loadSharedTypes, mayHoldShared, uncloneableError } from './marshal.js';
import { type TaskRef, toTaskRef } from './task_ref.js';

/** What crosses. */
/**
 * The `args` option of a `Thread` or `Process` for a target taking `A`: optional when the
 * target takes no arguments (or only optional ones), required otherwise.
 */
export type ArgsOption<A extends unknown[]> = [] extends A ? { args?: A | undefined } : { args: A };

/** The options every runnable takes (Python's `Thread`/`Process` keyword arguments). */
interface RunnableOptions {
  target?: Function | undefined;
  args?: unknown[] | undefined;
  kwargs?: Record<string, unknown> | undefined;
  name?: string | undefined;
  daemon?: boolean | undefined;
}

/**
 * Checks the options of `new Thread(...)` or `new Process(...)`: only the runnable's keys and
 * `extra` ones, a function `target`, an array `args`, an object `kwargs` (each error names
 * the option). `name` and `daemon` are left to the caller, whose defaults differ.
 */
export function checkRunnableOptions<O extends RunnableOptions>(
  options: O | undefined,
  extra: readonly string[] = [],
): Partial<O> {
  const o = checkOptions(options, 'options', [
    'target',
    'args',
    'kwargs',
    'name',
    'daemon',
    ...extra,
  ]);
  if (o.target !== undefined && typeof o.target !== 'function')
    typeError('target', 'a function', o.target);
  if (o.args !== undefined && !Array.isArray(o.args)) typeError('args', 'an array', o.args);
  if (o.kwargs !== undefined && (typeof o.kwargs !== 'object' || o.kwargs === null))
    typeError('kwargs', 'an object', o.kwargs);
  return o;
}

export interface RunnablePayload {
  /** The subclass to rebuild (by reference), if it is one, and its own fields. */
  cls?: TaskRef | undefined;
  fields?: Record<string, unknown> | undefined;
  target?: TaskRef | undefined;
  args: unknown;
  kwargs: unknown;
}

/** What the receiving side rebuilds. */
export interface Runnable<T> {
  /** An object of the sent class (its constructor not called), with the sent fields. */
  self: T;
  target: Function | undefined;
  args: unknown[];
  kwargs: Record<string, unknown> | undefined;
}

/**
 * Describes `obj` (an instance of `base` or of a subclass) for crossing. `what` names it in
 * errors (`thread`, `process`). Throws, before anything is sent, if something cannot cross.
 */
export function describeRunnable(
  obj: object,
  base: { prototype: object },
  target: Function | undefined,
  args: unknown[],
  kwargs: Record<string, unknown> | undefined,
  what: string,
): RunnablePayload {
  const subclass = Object.getPrototypeOf(obj) !== base.prototype;
  const payload: RunnablePayload = {
    cls: subclass
      ? toTaskRef(obj.constructor, `${what} subclass ${obj.constructor.name}`)
      : undefined,
    fields: subclass ? (encode({ ...obj }, what) as Record<string, unknown>) : undefined,
    target: target ? toTaskRef(target, 'target') : undefined,
    args: encode(args, 'args'),
    kwargs: encode(kwargs, 'kwargs'),
  };
  try {
    structuredClone(payload);
  } catch (err) {
    throw uncloneableError({ args, kwargs, [what]: subclass ? { ...obj } : undefined }, what, err);
  }
  return payload;
}

/** Rebuilds what {@link describeRunnable} described, importing the modules it needs. */
export async function rebuildRunnable<T>(
  p: RunnablePayload,
  base: { prototype: object },
): Promise<Runnable<T>> {
  if (mayHoldShared(p.args) || mayHoldShared(p.kwargs) || mayHoldShared(p.fields))
    await loadSharedTypes();
  const [cls, fields, target, args, kwargs] = (await decode([
    p.cls ? { $weftFn: p.cls } : undefined,
    p.fields,
    p.target ? { $weftFn: p.target } : undefined,
    p.args,
    p.kwargs,
  ])) as [
    Function | undefined,
    Record<string, unknown> | undefined,
    Function | undefined,
    unknown[],
    Record<string, unknown> | undefined,
  ];
  const self = Object.create((cls ?? base).prototype) as T;
  if (fields) Object.assign(self as object, fields);
  return { self, target, args: args ?? [], kwargs };
}
