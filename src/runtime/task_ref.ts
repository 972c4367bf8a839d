/**
 * Functions that cross to other isolates: by reference (module URL + export name) when they
 * are exported from a module, or by source when they are self-contained.
 *
 * JavaScript cannot send a closure to another isolate, so a task crosses the way Python's
 * spawn start method sends a function: by its module and name. The receiving thread imports
 * the module (its top-level code runs there too, so guard side effects with
 * `if (isMainThread)`) and takes the export. A function that is not exported — an arrow
 * written inline — is sent as source text and rebuilt there; if it refers to a variable of an
 * enclosing scope, that variable would not exist on the other side, and `toTaskRef` refuses
 * it naming the variable.
 */
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { ArgumentTypeError, RuntimeError } from '../errors.js';
import { capturedNames } from './free_names.js';
import { locate } from './locate.js';

/** A function, as it crosses to another isolate. */
export interface TaskRef {
  /** The function's name (for messages; also its export name when `url` is set). */
  name: string;
  /** Module that exports it, if it is a top-level function of a module. */
  url?: string | undefined;
  /** Export name to look up, when known to differ from `name` (a registered task). */
  exportName?: string | undefined;
  /** Its source as an expression, when it may be rebuilt from source. */
  source?: string | undefined;
  /** Why it may not be rebuilt from source (the variables it captures), if so. */
  captured?: string[] | undefined;
}

const cache = new WeakMap<Function, TaskRef>();

/**
 * Registers `fn` as the export `name` of the module at `moduleUrl` (pass `import.meta.url`),
 * for functions weft cannot find by itself: created by a factory at module level, or
 * exported under another name. Call it at the module's top level so that the thread that
 * imports the module registers the same name.
 *
 * @example
 * ```ts
 * import { registerTask } from 'weft/threading';
 * export const tasks = { square: (x: number) => x * x };
 * registerTask(tasks.square, import.meta.url, 'tasks.square');
 * ```
 */
export function registerTask(fn: Function, moduleUrl: string, name: string): void {
  registered.set(`${moduleUrl}#${name}`, fn);
  cache.set(fn, { name, url: moduleUrl, exportName: name });
}

const registered = new Map<string, Function>();

/** The source of `fn` as an expression that evaluates to an equivalent function. */
function sourceExpression(fn: Function): string {
  const text = Function.prototype.toString.call(fn);
  if (/^\s*(?:async\s*)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>|class\b)/.test(text)) {
    try {
      new vm.Script(`(${text})`);
      return `(${text})`;
    } catch {}
  }
  // A method (`name(...) {...}`, `async *name() {...}`): wrap it in an object literal.
  const key = JSON.stringify(fn.name);
  return `({${text}})[${key}]`;
}

/**
 * Describes `fn` for another isolate. Throws `ArgumentTypeError` naming `param` if it is not a
 * function, or if it would lose variables it captures (naming them).
 */
export function toTaskRef(fn: unknown, param = 'target'): TaskRef {
  return checked(describeTask(fn, param), param);
}

function describeTask(fn: unknown, param: string): TaskRef {
  if (typeof fn !== 'function') {
    throw new ArgumentTypeError(
      `${param} must be a function, got ${fn === null ? 'null' : typeof fn}`,
    );
  }
  const known = cache.get(fn);
  if (known) return known;
  const info = locate(fn);
  const name = fn.name || '(anonymous)';
  const source = sourceExpression(fn);
  const ref: TaskRef = { name, source };
  if (
    info?.url &&
    info.topLevel &&
    fn.name &&
    /^(?:file|data|node):/.test(normaliseUrl(info.url))
  ) {
    ref.url = normaliseUrl(info.url);
  }
  if (info) {
    const captured = capturedNames(source, [...info.closureVars, ...info.moduleVars]);
    if (captured.length) ref.captured = captured;
  }
  cache.set(fn, ref);
  return ref;
}

/**
 * Describes `fn` to be rebuilt from its source alone, synchronously, in any isolate (a
 * function that must be ready the moment an object holding it is revived, such as a
 * PriorityQueue's compare). Throws `ArgumentTypeError` naming `param` if `fn` uses variables
 * from around it, its module's included, or if its source does not compile on its own.
 */
export function toSourceRef(fn: unknown, param: string): TaskRef {
  const ref = describeTask(fn, param);
  if (ref.captured) {
    const names = ref.captured.map((n) => `'${n}'`).join(', ');
    throw new ArgumentTypeError(
      `${param} uses ${ref.captured.length === 1 ? 'the variable' : 'the variables'} ${names} from around it; ` +
        'it is rebuilt from its source in every thread that uses it, so it may use only its arguments and globals',
    );
  }
  const own: TaskRef = { name: ref.name, source: ref.source };
  try {
    fromSource(own);
  } catch (err) {
    throw new ArgumentTypeError(`${param} cannot be rebuilt from its source`, { cause: err });
  }
  return own;
}

function checked(ref: TaskRef, param: string): TaskRef {
  if (ref.url || !ref.captured) return ref;
  const names = ref.captured.map((n) => `'${n}'`).join(', ');
  const what =
    ref.name && ref.name !== param && ref.name !== '(anonymous)'
      ? `${param} (function ${ref.name})`
      : param;
  throw new ArgumentTypeError(
    `${what} uses ${ref.captured.length === 1 ? 'the variable' : 'the variables'} ${names} from an enclosing scope, ` +
      'which does not cross to another thread. Pass the value in args, or export the function from its module ' +
      '(it is then sent by reference and its module imported on the other side).',
  );
}

function normaliseUrl(url: string): string {
  return url.startsWith('/') ? pathToFileURL(url).href : url;
}

const imported = new Map<string, Promise<Record<string, unknown>>>();
const loaded = new Map<string, Record<string, unknown>>();

/** Modules being imported for tasks in this isolate now (their top-level code may be running). */
const importing = new Set<string>();

/** The module namespace at `url`, imported once per isolate. */
function importOnce(url: string): Promise<Record<string, unknown>> {
  let p = imported.get(url);
  if (!p) {
    importing.add(url);
    p = import(url) as Promise<Record<string, unknown>>;
    p.then((ns) => loaded.set(url, ns))
      .catch(() => {})
      .finally(() => importing.delete(url));
    imported.set(url, p);
  }
  return p;
}

/**
 * Throws if this is a child process (started by weft) that is still importing a module to
 * find its target or task: a module whose top-level code starts processes would otherwise
 * start them again in every child, each child in turn (Python raises the same error for a
 * main module without its `if __name__ == '__main__'` guard).
 */
export function assertNotBootstrapping(): void {
  if (importing.size === 0 || !process.env.WEFT_PROCESS_IDENTITY) return;
  throw new RuntimeError(
    `a process was started while this child process was importing ${[...importing].join(', ')} to find its task. ` +
      "The module's top-level code would start processes again in every child: guard the program's main code with " +
      '`if (!isChild())` (from weft/multiprocessing), or keep tasks in a module of their own.',
  );
}

/** Rebuilds a function from its source (see {@link toSourceRef}). */
export function fromSource(ref: TaskRef): Function {
  if (!ref.source) throw new ArgumentTypeError(`cannot rebuild ${ref.name}: no source`);
  return new Function(`return ${ref.source};`)() as Function;
}

/**
 * Rebuilds the function `ref` describes, in this isolate: imports its module and takes the
 * export, or evaluates its source.
 */
export async function resolveTaskRef(ref: TaskRef): Promise<Function> {
  if (!ref.url) return fromSource(ref);
  let ns: Record<string, unknown>;
  try {
    ns = await importOnce(ref.url);
  } catch (err) {
    if (ref.source && !ref.captured) return fromSource(ref);
    throw err;
  }
  return lookup(ref, ns);
}

/**
 * {@link resolveTaskRef} without waiting: works for functions sent as source and for those
 * whose module this isolate has already imported; undefined otherwise.
 */
export function resolveTaskRefSync(ref: TaskRef): Function | undefined {
  if (!ref.url) return fromSource(ref);
  const ns = loaded.get(ref.url);
  return ns ? lookup(ref, ns) : undefined;
}

function lookup(ref: TaskRef, ns: Record<string, unknown>): Function {
  const url = ref.url!;
  const byName = registered.get(`${url}#${ref.exportName ?? ref.name}`);
  if (byName) return byName;
  const candidate = ns[ref.exportName ?? ref.name];
  if (typeof candidate === 'function') return candidate;
  const def = ns.default;
  if (typeof def === 'function' && def.name === ref.name) return def;
  for (const value of Object.values(ns)) {
    if (
      typeof value === 'function' &&
      value.name === ref.name &&
      sourceExpression(value) === ref.source
    )
      return value;
  }
  if (ref.source && !ref.captured) return fromSource(ref);
  throw new ArgumentTypeError(
    `${ref.name} is not exported from ${url}${ref.captured ? ` and uses ${ref.captured.map((n) => `'${n}'`).join(', ')} from its module` : ''}: ` +
      'export it so that another thread can import it',
  );
}

/** The module URLs `ref` needs imported (to resolve it synchronously later). */
export function preloadTaskRef(ref: TaskRef): Promise<unknown> {
  return ref.url ? importOnce(ref.url).catch(() => undefined) : Promise.resolve();
}
