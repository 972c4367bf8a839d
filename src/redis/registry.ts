/**
 * The tasks a weft worker serves: the functions its `--tasks` modules export (and those they
 * register with `registerTask`), found by name — a job names its task, it never carries code.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ArgumentTypeError, RemoteError } from '../errors.js';
import { resolveTaskRef } from '../runtime/task_ref.js';

/** A module path (relative to the working directory) or URL, as a URL. */
function moduleUrl(spec: string): string {
  if (/^(?:file|data|node):/.test(spec)) return spec;
  return pathToFileURL(resolve(spec)).href;
}

/** The functions of a worker's task modules, by name. */
export class TaskRegistry {
  readonly #modules: { url: string; ns: Record<string, unknown> }[];
  readonly #found = new Map<string, Function>();

  private constructor(modules: { url: string; ns: Record<string, unknown> }[]) {
    this.#modules = modules;
  }

  /**
   * Imports the modules (paths relative to the working directory, or URLs). Throws
   * `ArgumentTypeError` naming a module that cannot be imported or exports no function.
   */
  static async load(specs: readonly string[]): Promise<TaskRegistry> {
    if (specs.length === 0)
      throw new ArgumentTypeError('tasks must name at least one module that exports the tasks');
    const modules: { url: string; ns: Record<string, unknown> }[] = [];
    for (const spec of specs) {
      const url = moduleUrl(spec);
      let ns: Record<string, unknown>;
      try {
        ns = (await import(url)) as Record<string, unknown>;
      } catch (err) {
        throw new ArgumentTypeError(
          `cannot import the tasks module ${spec}: ${(err as Error)?.message ?? err}`,
          { cause: err },
        );
      }
      if (!Object.values(ns).some((v) => typeof v === 'function'))
        throw new ArgumentTypeError(`the tasks module ${spec} exports no function`);
      modules.push({ url, ns });
    }
    return new TaskRegistry(modules);
  }

  /** The names of the exported functions served. */
  names(): string[] {
    const names = new Set<string>();
    for (const { ns } of this.#modules)
      for (const [key, value] of Object.entries(ns))
        if (typeof value === 'function') names.add(key === 'default' ? value.name : key);
    names.delete('');
    return [...names].sort();
  }

  /** The task's function if it was looked up before. */
  known(name: string): Function | undefined {
    return this.#found.get(name);
  }

  /** The task's function; `RemoteError` if no module serves that name. */
  async get(name: string): Promise<Function> {
    const known = this.#found.get(name);
    if (known) return known;
    for (const { url } of this.#modules) {
      try {
        const fn = await resolveTaskRef({ name, url, exportName: name });
        this.#found.set(name, fn);
        return fn;
      } catch {}
    }
    const served = this.names();
    throw new RemoteError(
      `no task named '${name}' on this worker: it serves ${served.length ? served.join(', ') : 'nothing'} ` +
        `(from ${this.#modules.map((m) => m.url).join(', ')}). Start the worker with a --tasks module that exports '${name}'.`,
    );
  }
}
