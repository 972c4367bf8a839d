/**
 * `Pool` (Python's `multiprocessing.Pool`) and its `AsyncResult`, on weft's
 * `ProcessPoolExecutor`: the same children, pipe and scheduling, with Python's Pool API on
 * top.
 */

import { within } from '../_internal/deadline.js';
import {
  checkFunction,
  checkInt,
  checkOptions,
  checkWaitOptions,
  typeError,
  type WaitOptions,
} from '../_internal/validate.js';
import { ArgumentTypeError, CancelledError, TimeoutError, ValueError } from '../errors.js';
import type { TaskFn } from '../futures/executor.js';
import type { Future } from '../futures/future.js';
import { ProcessPoolExecutor } from '../futures/process_pool.js';
import { asCompleted } from '../futures/wait.js';
import { cpuCount } from './process.js';

/**
 * Options of `new Pool(processes, options)` (Python's keyword arguments).
 *
 * @example
 * ```ts
 * const pool = new Pool(4, { initializer: setUp, initargs: ['config.json'], maxtasksperchild: 100 });
 * ```
 */
export interface PoolOptions {
  /** Runs once in each worker process before its first task (exported or self-contained). */
  initializer?: TaskFn | undefined;
  /** Arguments of `initializer`. */
  initargs?: unknown[] | undefined;
  /** A worker process is replaced after this many tasks (default: never). */
  maxtasksperchild?: number | undefined;
}

/**
 * Callbacks of the `*Async` methods (Python's `callback` and `error_callback`), called in this
 * process when the result is ready.
 *
 * @example
 * ```ts
 * pool.applyAsync(square, [3], {
 *   callback: (v) => console.log('got', v),
 *   errorCallback: (err) => console.error('failed', err),
 * });
 * ```
 */
export interface AsyncCallbacks<T> {
  /** Called with the result when the task succeeds. */
  callback?: ((result: T) => void) | undefined;
  /** Called with the error when it fails. */
  errorCallback?: ((error: unknown) => void) | undefined;
}

/**
 * Options of the map methods.
 *
 * @example
 * ```ts
 * await pool.map(square, items, { chunksize: 100 });
 * for await (const y of pool.imap(square, items, { chunksize: 10 })) console.log(y);
 * ```
 */
export interface ChunkOptions {
  /** Items per task (default: the items spread over about four tasks per process for `map`, 1 for `imap`). */
  chunksize?: number | undefined;
}

type State = 'RUN' | 'CLOSE' | 'TERMINATE';

/**
 * The eventual result of `applyAsync`, `mapAsync` or `starmapAsync` (Python's
 * `AsyncResult`). `get()` waits for it (or rejects with the task's error); `ready()` and
 * `successful()` say where it stands. It is also awaitable: `await result` is `result.get()`.
 *
 * @example
 * ```ts
 * const r = pool.applyAsync(square, [7]);
 * console.log(r.ready());                 // false, most likely
 * console.log(await r.get({ timeout: 1000 })); // 49
 * console.log(r.successful());            // true
 * ```
 */
export class AsyncResult<T> implements PromiseLike<T> {
  #done = false;
  #success = false;
  #value: unknown;
  readonly #settled: Promise<void>;

  /** @internal */
  constructor(outcome: Promise<T>, callbacks: AsyncCallbacks<T>) {
    this.#settled = outcome.then(
      (value) => {
        this.#finish(true, value);
        invoke(callbacks.callback, value);
      },
      (err) => {
        this.#finish(false, err);
        invoke(callbacks.errorCallback, err);
      },
    );
  }

  #finish(success: boolean, value: unknown): void {
    this.#done = true;
    this.#success = success;
    this.#value = value;
  }

  /** True once the task has finished (succeeded or failed). */
  ready(): boolean {
    return this.#done;
  }

  /** True if it finished without an error; throws `ValueError` if it has not finished. */
  successful(): boolean {
    if (!this.#done) throw new ValueError(`${this} not ready`);
    return this.#success;
  }

  /** Waits until the result is ready, or `timeout` ms pass (it does not throw on a timeout). */
  async wait(options?: WaitOptions): Promise<void> {
    const { timeout, signal } = checkWaitOptions(options);
    if (this.#done || timeout === 0) return;
    await within(this.#settled, timeout, signal);
  }

  /** The result: waits for it, rejects with the task's error, or `TimeoutError` after `timeout` ms. */
  async get(options?: WaitOptions): Promise<T> {
    await this.wait(options);
    if (!this.#done) throw new TimeoutError('the result was not ready in time');
    if (!this.#success) throw this.#value;
    return this.#value as T;
  }

  // biome-ignore lint/suspicious/noThenProperty: awaiting a result is `get()`
  then<T1 = T, T2 = never>(
    onfulfilled?: ((value: T) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.get().then(onfulfilled, onrejected);
  }

  toString(): string {
    return `<AsyncResult ${this.#done ? (this.#success ? 'ready' : 'failed') : 'pending'}>`;
  }
}

/**
 * A pool of worker processes (Python's `multiprocessing.Pool`), built on
 * {@link ProcessPoolExecutor}. `apply` and `map` resolve when done (Python's block);
 * `applyAsync`, `mapAsync` and `starmapAsync` return an {@link AsyncResult} at once and call
 * `callback` / `errorCallback`; `imap` and `imapUnordered` are async iterables. `close()`
 * stops new work, `terminate()` stops the workers now, `join()` (after either) waits for
 * them to exit. `await using` terminates the pool at the end of the scope, as Python's
 * `with Pool() as p:` does.
 *
 * Tasks are functions exported from their module (the workers import it by reference), or
 * self-contained ones; arguments and results are copied.
 *
 * @example
 * ```ts
 * // tasks.ts
 * export function square(x: number): number { return x * x; }
 *
 * // main.ts
 * import { Pool } from 'weft/multiprocessing';
 * import { square } from './tasks.js';
 *
 * await using pool = new Pool(4);
 * console.log(await pool.map(square, [1, 2, 3, 4, 5])); // [1, 4, 9, 16, 25]
 * const r = pool.applyAsync(square, [10], { callback: (v) => console.log('got', v) });
 * console.log(await r.get()); // 100
 * for await (const y of pool.imapUnordered(square, [1, 2, 3])) console.log(y);
 * ```
 */
export class Pool implements AsyncDisposable {
  readonly #processes: number;
  readonly #executor: ProcessPoolExecutor;
  #state: State = 'RUN';
  #terminated: Promise<void> | undefined;

  constructor(processes?: number, options?: PoolOptions) {
    this.#processes =
      processes === undefined || processes === null
        ? cpuCount()
        : checkInt(processes, 'processes', 1, 1024);
    const o = checkOptions(options, 'options', ['initializer', 'initargs', 'maxtasksperchild']);
    this.#executor = new ProcessPoolExecutor({
      maxWorkers: this.#processes,
      initializer: o.initializer,
      initargs: o.initargs,
      maxTasksPerChild:
        o.maxtasksperchild === undefined || o.maxtasksperchild === null
          ? undefined
          : checkInt(o.maxtasksperchild, 'maxtasksperchild', 1),
      // Python's pool keeps its workers until it is closed.
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /** The number of worker processes. */
  get processes(): number {
    return this.#processes;
  }

  #checkRunning(): void {
    if (this.#state !== 'RUN') throw new ValueError('Pool not running');
  }

  /** Python's `apply(func, args)`: runs `fn(...args)` in a worker; resolves to its result. */
  apply<F extends TaskFn>(fn: F, args?: Parameters<F>): Promise<Awaited<ReturnType<F>>> {
    return this.applyAsync(fn, args).get();
  }

  /** Python's `apply_async`: runs `fn(...args)`; the result at once, as an {@link AsyncResult}. */
  applyAsync<F extends TaskFn>(
    fn: F,
    args?: Parameters<F>,
    callbacks?: AsyncCallbacks<Awaited<ReturnType<F>>>,
  ): AsyncResult<Awaited<ReturnType<F>>> {
    this.#checkRunning();
    const cb = checkCallbacks(checkOptions(callbacks, 'options', ['callback', 'errorCallback']));
    if (args !== undefined && !Array.isArray(args)) typeError('args', 'an array', args);
    const future = this.#executor.run(fn, (args ?? []) as Parameters<F>);
    return new AsyncResult(future.result(), cb);
  }

  /** Python's `map(func, iterable, chunksize)`: `fn(item)` for each item, in order. */
  map<F extends (item: any) => unknown>(
    fn: F,
    iterable: Iterable<Parameters<F>[0]>,
    options?: ChunkOptions,
  ): Promise<Awaited<ReturnType<F>>[]> {
    return this.mapAsync(fn, iterable, options).get();
  }

  /** Python's `map_async`: like {@link map}, the results at once as an {@link AsyncResult}. */
  mapAsync<F extends (item: any) => unknown>(
    fn: F,
    iterable: Iterable<Parameters<F>[0]>,
    options?: ChunkOptions & AsyncCallbacks<Awaited<ReturnType<F>>[]>,
  ): AsyncResult<Awaited<ReturnType<F>>[]> {
    return this.#mapAsync(fn, iterable, true, options) as AsyncResult<Awaited<ReturnType<F>>[]>;
  }

  /** Python's `starmap`: `fn(...args)` for each argument list, in order. */
  starmap<F extends TaskFn>(
    fn: F,
    iterable: Iterable<Parameters<F>>,
    options?: ChunkOptions,
  ): Promise<Awaited<ReturnType<F>>[]> {
    return this.starmapAsync(fn, iterable, options).get();
  }

  /** Python's `starmap_async`. */
  starmapAsync<F extends TaskFn>(
    fn: F,
    iterable: Iterable<Parameters<F>>,
    options?: ChunkOptions & AsyncCallbacks<Awaited<ReturnType<F>>[]>,
  ): AsyncResult<Awaited<ReturnType<F>>[]> {
    return this.#mapAsync(fn, iterable, false, options) as AsyncResult<Awaited<ReturnType<F>>[]>;
  }

  #mapAsync(
    fn: TaskFn,
    iterable: Iterable<unknown>,
    single: boolean,
    options: (ChunkOptions & AsyncCallbacks<any[]>) | undefined,
  ): AsyncResult<unknown[]> {
    this.#checkRunning();
    const o = checkOptions(options, 'options', ['chunksize', 'callback', 'errorCallback']);
    const cb = checkCallbacks(o);
    const items = toItems(iterable, single);
    // Python's default: the items spread over about four chunks per process.
    const chunksize =
      o.chunksize === undefined || o.chunksize === null
        ? Math.max(1, Math.ceil(items.length / (this.#processes * 4)))
        : checkInt(o.chunksize, 'chunksize', 1);
    const futures = this.#chunks(fn, items, single, chunksize);
    return new AsyncResult(inOrder(futures), cb);
  }

  /** Python's `imap`: results in input order as they are ready (`for await`). */
  imap<F extends (item: any) => unknown>(
    fn: F,
    iterable: Iterable<Parameters<F>[0]>,
    options?: ChunkOptions,
  ): AsyncIterable<Awaited<ReturnType<F>>> {
    return this.#imap(fn, iterable, options, true) as AsyncIterable<Awaited<ReturnType<F>>>;
  }

  /** Python's `imap_unordered`: results in the order they finish (`for await`). */
  imapUnordered<F extends (item: any) => unknown>(
    fn: F,
    iterable: Iterable<Parameters<F>[0]>,
    options?: ChunkOptions,
  ): AsyncIterable<Awaited<ReturnType<F>>> {
    return this.#imap(fn, iterable, options, false) as AsyncIterable<Awaited<ReturnType<F>>>;
  }

  #imap(
    fn: TaskFn,
    iterable: Iterable<unknown>,
    options: ChunkOptions | undefined,
    ordered: boolean,
  ): AsyncIterable<unknown> {
    this.#checkRunning();
    const o = checkOptions(options, 'options', ['chunksize']);
    const chunksize =
      o.chunksize === undefined || o.chunksize === null ? 1 : checkInt(o.chunksize, 'chunksize', 1);
    const futures = this.#chunks(fn, toItems(iterable, true), true, chunksize);
    return yieldChunks(futures, ordered);
  }

  /**
   * Submits `items` in chunks of `chunksize`, one task per chunk. An item that cannot cross
   * fails the call, named by its place in the iterable; chunks not started are withdrawn.
   */
  #chunks(fn: TaskFn, items: unknown[], single: boolean, chunksize: number): Future<unknown[]>[] {
    checkFunction(fn, 'fn');
    const futures: Future<unknown[]>[] = [];
    try {
      for (let i = 0; i < items.length; i += chunksize)
        futures.push(this.#executor._runChunk(fn, items.slice(i, i + chunksize), single, {}));
    } catch (err) {
      for (const f of futures) f.cancel();
      if (err instanceof ArgumentTypeError) {
        const start = futures.length * chunksize;
        err.message = err.message.replace(
          /^args\[(\d+)\]/,
          (_, k: string) => `iterable[${start + Number(k)}]`,
        );
      }
      throw err;
    }
    return futures;
  }

  /** Python's `close()`: no more tasks; the workers exit once the submitted ones are done. */
  close(): void {
    if (this.#state !== 'RUN') return;
    this.#state = 'CLOSE';
    void this.#executor.shutdown({ wait: false });
  }

  /**
   * Python's `terminate()`: stops the workers now (SIGTERM). Results not ready by then reject
   * with `CancelledError` (Python leaves them waiting forever). Resolves once the workers
   * have exited.
   */
  terminate(): Promise<void> {
    this.#state = 'TERMINATE';
    this.#terminated ??= this.#executor._terminate(
      new CancelledError('the pool was terminated before the task finished'),
    );
    return this.#terminated;
  }

  /**
   * Python's `join()`: waits for the worker processes to exit. Call `close()` or
   * `terminate()` first (`ValueError` otherwise).
   */
  async join(): Promise<void> {
    if (this.#state === 'RUN') throw new ValueError('Pool is still running');
    if (this.#state === 'TERMINATE') await this.#terminated;
    else await this.#executor.shutdown({ wait: true });
  }

  /** `await using` terminates the pool (Python's `with Pool() as p:`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }

  toString(): string {
    return `<Pool state=${this.#state} pool_size=${this.#processes}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Calls a result callback; one that throws is reported as a warning, never thrown. */
function invoke(fn: ((v: any) => void) | undefined, value: unknown): void {
  if (!fn) return;
  try {
    fn(value);
  } catch (err) {
    process.emitWarning(
      `a Pool callback threw: ${(err as Error)?.stack ?? String(err)}`,
      'WeftWarning',
    );
  }
}

/** Checks the callbacks in options whose keys were checked already. */
function checkCallbacks<T>(c: AsyncCallbacks<T>): AsyncCallbacks<T> {
  if (c.callback !== undefined) checkFunction(c.callback, 'callback');
  if (c.errorCallback !== undefined) checkFunction(c.errorCallback, 'errorCallback');
  return c;
}

/** The items of `iterable`; for `starmap` (`single` false) each must be an argument list. */
function toItems(iterable: Iterable<unknown>, single: boolean): unknown[] {
  if (iterable === null || typeof iterable !== 'object' || !(Symbol.iterator in iterable))
    typeError('iterable', 'an iterable', iterable);
  // An array is only read (sliced into chunks), never kept: no copy.
  const items = Array.isArray(iterable) ? iterable : Array.from(iterable);
  if (!single)
    items.forEach((args, i) => {
      if (!Array.isArray(args)) typeError(`iterable[${i}]`, 'an array of arguments', args);
    });
  return items;
}

/** The chunks' results joined in order; the first error (in input order) once all are done. */
async function inOrder(futures: Future<unknown[]>[]): Promise<unknown[]> {
  const settled = await Promise.allSettled(futures);
  let total = 0;
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    total += s.value.length;
  }
  const out = new Array<unknown>(total);
  let k = 0;
  for (const s of settled) {
    const chunk = (s as PromiseFulfilledResult<unknown[]>).value;
    for (let i = 0; i < chunk.length; i++) out[k++] = chunk[i];
  }
  return out;
}

/**
 * The chunks' items, chunk by chunk in input order or in the order chunks finish; leaving
 * early (or a failed chunk) withdraws the chunks not started.
 */
async function* yieldChunks(
  futures: Future<unknown[]>[],
  ordered: boolean,
): AsyncGenerator<unknown> {
  let finished = false;
  try {
    if (ordered) for (const f of futures) yield* await f;
    else for await (const f of asCompleted(futures)) yield* await f;
    finished = true;
  } finally {
    if (!finished) for (const f of futures) f.cancel();
  }
}
