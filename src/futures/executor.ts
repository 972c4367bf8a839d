/**
 * `Executor`: the one interface of weft's thread pool, process pool and Redis executor
 * (Python's `concurrent.futures.Executor`), with what they share: `map` in input order with
 * chunks, a deadline and progress, and `await using`.
 */
import {
  checkBoolean,
  checkFunction,
  checkInt,
  checkOptions,
  checkTimeout,
  typeError,
} from '../_internal/validate.js';
import { TimeoutError } from '../errors.js';
import { applyChunk } from './chunk.js';
import type { Future } from './future.js';

/** A task: any function whose arguments and result can cross to a worker. */
export type TaskFn = (...args: any[]) => unknown;

/** Per-task options of {@link Executor.run}. */
export interface RunOptions {
  /** Milliseconds the task may run, counted from when it starts (not while it queues). */
  timeout?: number | undefined;
  /** Aborting it cancels the task: withdrawn if it has not started, or its `taskSignal()` aborts. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link Executor.map}. */
export interface MapOptions {
  /** Milliseconds for the whole map, counted from the call: iterating past it throws `TimeoutError`. */
  timeout?: number | undefined;
  /** Items per task (default 1): larger chunks cost far less per item for small tasks. */
  chunksize?: number | undefined;
  /** Called as items complete: `(done, total)`. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Aborting it cancels every task of the map that has not started. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link Executor.shutdown}. */
export interface ShutdownOptions {
  /** Wait until every submitted task has finished (default true). */
  wait?: boolean | undefined;
  /** Cancel the tasks that have not started (default false). */
  cancelFutures?: boolean | undefined;
}

const MAP_OPTIONS = ['timeout', 'chunksize', 'onProgress', 'signal'];

/**
 * The options of {@link Executor.shutdown}, checked, with Python's defaults (wait, do not
 * cancel).
 * @internal
 */
export function checkShutdownOptions(options: ShutdownOptions | undefined): {
  wait: boolean;
  cancelFutures: boolean;
} {
  const o = checkOptions(options, 'options', ['wait', 'cancelFutures']);
  return {
    wait: o.wait === undefined ? true : checkBoolean(o.wait, 'wait'),
    cancelFutures:
      o.cancelFutures === undefined ? false : checkBoolean(o.cancelFutures, 'cancelFutures'),
  };
}

function isOptions(v: unknown): v is MapOptions {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(Symbol.iterator in v) &&
    !(Symbol.asyncIterator in v) &&
    Object.getPrototypeOf(v) === Object.prototype
  );
}

/**
 * The results of {@link Executor.map}, in input order: iterate it (`for await`) to get each
 * result as soon as it and all before it are done, or await it (or `toArray()`) for the whole
 * array. If a task failed, iteration throws its error at its place; leaving the iteration
 * early cancels the tasks that have not started.
 *
 * @example
 * ```ts
 * for await (const square of pool.map(square, [1, 2, 3])) console.log(square);
 * const all = await pool.map(square, [1, 2, 3], { chunksize: 100 });
 * ```
 */
export class MapResult<R> implements AsyncIterable<R>, PromiseLike<R[]> {
  readonly #futures: Future<any>[];
  readonly #chunked: boolean;
  readonly #deadline: number | undefined;

  /** @internal */
  constructor(futures: Future<any>[], chunked: boolean, deadline: number | undefined) {
    this.#futures = futures;
    this.#chunked = chunked;
    this.#deadline = deadline;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<R> {
    const futures = this.#futures;
    let finished = false;
    try {
      for (const f of futures) {
        if (!f.done()) await this.#settled(f);
        if (this.#chunked) yield* f.resultSync() as R[];
        else yield f.resultSync() as R;
      }
      finished = true;
    } finally {
      if (!finished) for (const f of futures) f.cancel();
    }
  }

  /**
   * Waits until `f` is done, within what is left of the deadline; throws its error (or
   * `TimeoutError` past the deadline).
   */
  async #settled(f: Future<any>): Promise<void> {
    const timeout =
      this.#deadline === undefined ? undefined : Math.max(0, this.#deadline - performance.now());
    try {
      await f.result({ timeout });
    } catch (err) {
      if (err instanceof TimeoutError && !f.done())
        throw new TimeoutError('map did not finish within its timeout');
      throw err;
    }
  }

  /**
   * Every result, in input order. The futures are taken in order, each awaited only if it is
   * not done yet; if one fails, or the deadline passes, the futures that have not started are
   * cancelled.
   */
  async toArray(): Promise<R[]> {
    const futures = this.#futures;
    const values: unknown[] = new Array(futures.length);
    let finished = false;
    try {
      for (let i = 0; i < futures.length; i++) {
        const f = futures[i]!;
        if (!f.done()) await this.#settled(f);
        values[i] = f.resultSync();
      }
      finished = true;
    } finally {
      if (!finished) for (const f of futures) f.cancel();
    }
    return (this.#chunked ? joinChunks(values as R[][]) : values) as R[];
  }

  // biome-ignore lint/suspicious/noThenProperty: awaiting a map's results is its point
  then<T1 = R[], T2 = never>(
    onfulfilled?: ((value: R[]) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.toArray().then(onfulfilled, onrejected);
  }

  /** The futures behind the results (one per chunk when chunked). */
  get futures(): readonly Future<any>[] {
    return this.#futures;
  }
}

/**
 * An object that runs tasks and gives back {@link Future}s (Python's
 * `concurrent.futures.Executor`). Implemented by `ThreadPoolExecutor`, `ProcessPoolExecutor`
 * and `RedisExecutor`: code written against it moves from one to another unchanged.
 *
 * @example
 * ```ts
 * import { type Executor } from 'weft/futures';
 * async function total(ex: Executor, xs: number[]) {
 *   let sum = 0;
 *   for await (const y of ex.map(square, xs, { chunksize: 64 })) sum += y;
 *   return sum;
 * }
 * ```
 */
export abstract class Executor implements AsyncDisposable {
  /**
   * Schedules `fn(...args)` and returns its Future (Python's `submit`). `fn` must be
   * exported from its module or self-contained; arguments must be able to cross.
   */
  submit<F extends TaskFn>(fn: F, ...args: Parameters<F>): Future<Awaited<ReturnType<F>>> {
    return this.run(fn, args);
  }

  /** Like {@link submit}, with per-task options (`timeout` from start, `signal`). */
  abstract run<F extends TaskFn>(
    fn: F,
    args: Parameters<F>,
    options?: RunOptions,
  ): Future<Awaited<ReturnType<F>>>;

  /**
   * Python's `map(fn, *iterables)`: calls `fn` with one item of each iterable (like `zip`),
   * results in input order. Takes a trailing options object `{ timeout, chunksize,
   * onProgress, signal }`. Every task is submitted at once.
   */
  map<F extends TaskFn>(
    fn: F,
    ...iterablesAndOptions: [...Iterable<unknown>[], MapOptions] | Iterable<unknown>[]
  ): MapResult<Awaited<ReturnType<F>>> {
    checkFunction(fn, 'fn');
    const last = iterablesAndOptions[iterablesAndOptions.length - 1];
    const opts = isOptions(last) ? checkOptions(last, 'options', MAP_OPTIONS) : {};
    const iterables = (
      isOptions(last) ? iterablesAndOptions.slice(0, -1) : iterablesAndOptions
    ) as Iterable<unknown>[];
    if (iterables.length === 0) typeError('iterables', 'at least one iterable', undefined);
    iterables.forEach((it, i) => {
      if (it === null || typeof it !== 'object' || !(Symbol.iterator in it))
        typeError(`iterables[${i}]`, 'an iterable', it);
    });
    const timeout = checkTimeout(opts.timeout);
    const chunksize = opts.chunksize === undefined ? 1 : checkInt(opts.chunksize, 'chunksize', 1);
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    // One iterable: the items themselves (fn(item)); several: argument lists (fn(...args)).
    const single = iterables.length === 1;
    const items = single ? toItems(iterables[0]!) : zip(iterables);
    const total = items.length;
    const futures: Future<any>[] = [];
    const runOptions: RunOptions = { signal: opts.signal };
    if (chunksize === 1) {
      for (let i = 0; i < total; i++) {
        const item = items[i];
        futures.push(this.run(fn, (single ? [item] : item) as Parameters<F>, runOptions));
      }
    } else {
      for (let i = 0; i < total; i += chunksize) {
        futures.push(
          this._runItems(fn, items, i, Math.min(i + chunksize, total), single, runOptions),
        );
      }
    }
    if (opts.onProgress) {
      const onProgress = opts.onProgress;
      let done = 0;
      futures.forEach((f, i) => {
        const size = chunksize === 1 ? 1 : Math.min(chunksize, total - i * chunksize);
        f.addDoneCallback(() => {
          done += size;
          onProgress(done, total);
        });
      });
    }
    return new MapResult(futures, chunksize > 1, deadline);
  }

  /**
   * Runs `fn` over one chunk of a map (see {@link applyChunk}); resolves to the chunk's
   * results. Backends may send chunks in a form of their own.
   * @internal
   */
  _runChunk(fn: TaskFn, items: unknown[], single: boolean, options: RunOptions): Future<unknown[]> {
    return this.run(applyChunk, [fn, items, single], options) as Future<unknown[]>;
  }

  /**
   * Runs the chunk `items[from … to)` of a map (as {@link _runChunk}). The items are read
   * during the `map` call; backends that encode them at once may skip cutting the chunk out.
   * @internal
   */
  _runItems(
    fn: TaskFn,
    items: readonly unknown[],
    from: number,
    to: number,
    single: boolean,
    options: RunOptions,
  ): Future<unknown[]> {
    return this._runChunk(fn, items.slice(from, to), single, options);
  }

  /**
   * Stops accepting tasks and releases the workers when the submitted tasks are done (Python's
   * `shutdown(wait, cancel_futures)`). Idempotent; always settles.
   */
  abstract shutdown(options?: ShutdownOptions): Promise<void>;

  /** `await using` shuts the executor down, waiting for its tasks. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}

const arrayValues = Array.prototype[Symbol.iterator];

/**
 * The items of `iterable` as an array: a plain array as it is (its chunks are copied when they
 * are cut, during the `map` call, so later changes to it do not matter), anything else copied
 * out of its iterator. A hole reads as `undefined` either way.
 */
function toItems(iterable: Iterable<unknown>): readonly unknown[] {
  if (Array.isArray(iterable) && iterable[Symbol.iterator] === arrayValues) return iterable;
  return Array.from(iterable);
}

/** Chunks joined with one `concat` call at most (its arguments live on the stack). */
const JOIN_MAX_ARGS = 4096;

/** The chunks' items in one array: copied by the engine (`concat`), not item by item. */
function joinChunks<T>(chunks: T[][]): T[] {
  if (chunks.length <= JOIN_MAX_ARGS) return Array.prototype.concat.apply([], chunks) as T[];
  const out: T[] = [];
  for (const chunk of chunks) for (let j = 0; j < chunk.length; j++) out.push(chunk[j]!);
  return out;
}

function zip(iterables: Iterable<unknown>[]): unknown[][] {
  const iterators = iterables.map((it) => it[Symbol.iterator]());
  const out: unknown[][] = [];
  for (;;) {
    const row: unknown[] = [];
    for (const it of iterators) {
      const r = it.next();
      if (r.done) return out;
      row.push(r.value);
    }
    out.push(row);
  }
}
