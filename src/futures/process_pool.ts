/**
 * `ProcessPoolExecutor` (Python's `concurrent.futures.ProcessPoolExecutor`): tasks run in
 * child Node.js processes that import them by reference.
 */
import * as v8 from 'node:v8';
import {
  checkBoolean,
  checkFunction,
  checkInt,
  checkOptions,
  checkSignal,
  checkTimeout,
  describe,
  typeError,
} from '../_internal/validate.js';
import { encodeValue, NEEDS_PORT, WireReader, WireWriter } from '../_internal/wire.js';
import { ArgumentTypeError, BrokenProcessPool, RuntimeError, TimeoutError } from '../errors.js';
import { decodeError } from '../runtime/error_wire.js';
import { decode, uncloneableError } from '../runtime/marshal.js';
import { type TaskRef, toTaskRef } from '../runtime/task_ref.js';
import { readHooks, wireHooks } from '../runtime/task_runner.js';
import { Executor, type RunOptions, type ShutdownOptions, type TaskFn } from './executor.js';
import type { Future, FutureOwner } from './future.js';
import { F_CHUNK, F_SINGLE, R_ERROR, R_SKIPPED } from './pool_channel.js';
import {
  type CommonPoolOptions,
  capFromRunTime,
  checkPoolOptions,
  crashedError,
  ignoredStopError,
  type PoolConfig,
  pickWorker,
  TaskQueue,
  TaskWatch,
} from './pool_core.js';
import { PoolTask } from './pool_task.js';
import { K_INIT_ERROR, K_RESULT, K_START } from './process_pool_frames.js';
import { type ProcessTask, ProcessWorker } from './process_pool_worker.js';
import { PoolCounters, type PoolStats } from './stats.js';

/** Options of a {@link ProcessPoolExecutor} (Python's keyword arguments, and weft's own). */
export interface ProcessPoolExecutorOptions extends CommonPoolOptions {
  /** Most child processes (default: `os.availableParallelism()`). Children start as tasks arrive. */
  maxWorkers?: number | undefined;
  /** Runs once in each child before its first task (exported or self-contained). */
  initializer?: TaskFn | undefined;
  /** Arguments of `initializer` (they cross like `Process` arguments). */
  initargs?: unknown[] | undefined;
  /** A child is replaced after running this many tasks (Python's `max_tasks_per_child`; default: never). */
  maxTasksPerChild?: number | undefined;
  /** A child idle this long (ms) exits; a new one starts when needed (default 60 000). */
  idleTimeout?: number | undefined;
  /** Tasks one child runs at once when they are async (default 1, as Python's processes). */
  concurrency?: number | undefined;
  /** How long (ms) a task may ignore its timeout or cancellation before its child is killed and replaced (default 1000). */
  gracePeriod?: number | undefined;
  /** Python's behaviour: a child that dies breaks the whole pool with `BrokenProcessPool` (default false: only its task fails). */
  brokenOnCrash?: boolean | undefined;
}

const OPTIONS = [
  'maxWorkers',
  'initializer',
  'initargs',
  'maxTasksPerChild',
  'idleTimeout',
  'concurrency',
  'gracePeriod',
  'brokenOnCrash',
];

/** Most tasks in flight on one child. */
const MAX_INFLIGHT = 4096;
/** Tasks averaging at least this long (ms) go to a child one at a time. */
const ONE_AT_A_TIME_MS = 50;

/**
 * A pool of child processes that run tasks in parallel and return {@link Future}s (Python's
 * `concurrent.futures.ProcessPoolExecutor`).
 *
 * Each child is a Node.js process started like a `Process`: it imports the task's module by
 * reference (so guard top-level side effects with `if (!isChild())`, or keep tasks in a
 * module of their own), inherits the loaders of this process (tsx included), and exits if
 * this process dies, even by SIGKILL. Tasks and results travel in batches over a pipe,
 * written with weft's binary codec; a child is given about a millisecond of work at a time,
 * from its recent run times, so tiny tasks stream and long ones do not queue behind one
 * child.
 *
 * As in Python, a task handed to a child counts as running: `cancel()` works while it waits
 * in the pool. Per task you can set a `timeout` (counted from when the task starts) and a
 * `signal`; the task sees them as `taskSignal()`. A child that crashes fails only the task it
 * was running (with `WorkerCrashedError`); pass `brokenOnCrash: true` for Python's
 * `BrokenProcessPool`.
 *
 * @example
 * ```ts
 * // tasks.ts
 * export function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
 *
 * // main.ts
 * import { ProcessPoolExecutor } from 'weft/futures';
 * import { fib } from './tasks.js';
 *
 * await using pool = new ProcessPoolExecutor({ maxWorkers: 4 });
 * console.log(await pool.submit(fib, 30));                        // 832040
 * console.log(await pool.map(fib, [10, 20, 30], { chunksize: 2 })); // in input order
 * const slow = pool.run(fib, [45], { timeout: 1000 });            // TimeoutError after 1 s of running
 * ```
 */
export class ProcessPoolExecutor extends Executor implements FutureOwner {
  readonly #config: PoolConfig;
  readonly #maxTasksPerChild: number | undefined;
  readonly #workers: ProcessWorker[] = [];
  readonly #queue = new TaskQueue<ProcessTask>();
  readonly #fnIds = new Map<Function, { id: number; ref: TaskRef }>();
  readonly #scratch = new WireWriter();
  readonly #reader = new WireReader(Buffer.alloc(0));
  readonly #counters = new PoolCounters();
  readonly #watch = new TaskWatch(() => this.#checkTimeouts());
  #flushScheduled = false;
  #shutdown = false;
  #closing: Promise<void> | undefined;
  #broken: BrokenProcessPool | undefined;
  #inflight = 0;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options?: ProcessPoolExecutorOptions) {
    super();
    const o = checkOptions(options, 'options', OPTIONS);
    this.#config = checkPoolOptions(o, { idleTimeout: 60_000, maxConcurrency: MAX_INFLIGHT });
    try {
      v8.serialize(this.#config.initargs);
    } catch (err) {
      throw findShared(o.initargs, 'initargs')
        ? sharedError(o.initargs, 'initargs')
        : uncloneableError(o.initargs, 'initargs', err);
    }
    this.#maxTasksPerChild =
      o.maxTasksPerChild === undefined
        ? undefined
        : checkInt(o.maxTasksPerChild, 'maxTasksPerChild', 1);
  }

  /** The most child processes this pool runs. */
  get maxWorkers(): number {
    return this.#config.maxWorkers;
  }

  /** The process ids of the pool's live children. */
  get pids(): number[] {
    return this.#workers.filter((w) => !w.exited && w.pid !== undefined).map((w) => w.pid!);
  }

  run<F extends TaskFn>(
    fn: F,
    args: Parameters<F>,
    options?: RunOptions,
  ): Future<Awaited<ReturnType<F>>> {
    return this.#submit(fn, args, options, 0);
  }

  /** @internal A map chunk travels as one record; the child applies `fn` to each item. */
  override _runChunk(
    fn: TaskFn,
    items: unknown[],
    single: boolean,
    options: RunOptions,
  ): Future<unknown[]> {
    return this.#submit(fn, items, options, F_CHUNK | (single ? F_SINGLE : 0)) as Future<unknown[]>;
  }

  #submit<F extends TaskFn>(
    fn: F,
    args: unknown[],
    options: RunOptions | undefined,
    chunk: number,
  ): Future<Awaited<ReturnType<F>>> {
    if (this.#broken) throw this.#broken;
    if (this.#shutdown) throw new RuntimeError('cannot schedule new futures after shutdown');
    checkFunction(fn, 'fn');
    if (!Array.isArray(args)) typeError('args', 'an array', args);
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      const o = checkOptions(options, 'options', ['timeout', 'signal']);
      timeout = checkTimeout(o.timeout);
      signal = checkSignal(o.signal);
    }
    const def = this.#define(fn);
    const task: ProcessTask = new PoolTask<Awaited<ReturnType<F>>>(
      def.id,
      def.ref,
      args,
      timeout,
      signal,
      chunk,
    );
    if (signal?.aborted) {
      this.#validate(args);
      task.setException(signal.reason);
      return task;
    }
    // Arguments are encoded now, so what cannot cross fails here, at the call (and before a
    // child is started for it).
    if (this.#workers.length < this.#config.maxWorkers) this.#validate(args);
    const w = this.#queue.peek() === undefined ? this.#pick() : undefined;
    if (w) this.#dispatch(w, task);
    else {
      this.#validate(args);
      this.#queue.push(task);
    }
    task._owner = this;
    if (signal) {
      task.onAbort = () => this.#abort(task, signal.reason);
      signal.addEventListener('abort', task.onAbort, { once: true });
    }
    this.#scheduleFlush();
    return task;
  }

  #define(fn: Function): { id: number; ref: TaskRef } {
    let def = this.#fnIds.get(fn);
    if (!def) {
      def = { id: this.#fnIds.size + 1, ref: toTaskRef(fn, 'fn') };
      this.#fnIds.set(fn, def);
    }
    return def;
  }

  /** Checks that `args` can cross, cheaply when they are all primitives (the common case). */
  #validate(args: unknown[]): void {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const t = typeof a;
      if (a !== null && t !== 'number' && t !== 'string' && t !== 'boolean' && t !== 'undefined') {
        this.#scratch.reset();
        try {
          encodeValue(this.#scratch, args, wireHooks, 'args');
        } catch (err) {
          throw crossingError(args, err);
        }
        return;
      }
    }
  }

  #dispatch(w: ProcessWorker, task: ProcessTask): void {
    try {
      w.dispatch(task);
    } catch (err) {
      throw crossingError(task.args, err);
    }
    this.#inflight++;
    if (this.#maxTasksPerChild !== undefined && w.dispatched >= this.#maxTasksPerChild)
      w.retiring = true;
  }

  // --- scheduling ----------------------------------------------------------------------

  #capFor = (w: ProcessWorker): number => {
    const avg = w.avgRunMs;
    // A child whose tasks are long (or not yet known) gets one at a time, so that a task
    // waiting in the pool can still be cancelled or go to the first child that frees up.
    if (avg === undefined || avg >= ONE_AT_A_TIME_MS) return 1;
    return capFromRunTime(avg, 1, 2, MAX_INFLIGHT);
  };

  #pick(): ProcessWorker | undefined {
    return pickWorker(
      this.#workers,
      this.#capFor,
      !this.#shutdownDone(),
      this.#config.maxWorkers,
      () => this.#spawn(),
    );
  }

  #shutdownDone(): boolean {
    return this.#closing !== undefined && this.#inflight === 0 && this.#queue.size === 0;
  }

  #spawn(): ProcessWorker {
    const w = new ProcessWorker({
      concurrency: this.#config.concurrency,
      initializer: this.#config.initializer,
      initargs: this.#config.initargs,
    });
    this.#workers.push(w);
    w.pipe.on('data', (chunk: Buffer) => this.#onData(w, chunk));
    w.pipe.on('error', () => {});
    w.child.on('error', () => {});
    void w.closed.then(() => this.#onExit(w));
    this.#ensureSweeper();
    return w;
  }

  /** Moves queued tasks to children while they have room. */
  #pump(): void {
    for (let task = this.#queue.peek(); task; task = this.#queue.peek()) {
      const w = this.#pick();
      if (!w) break;
      this.#queue.shift();
      try {
        this.#dispatch(w, task);
      } catch (err) {
        this.#fail(task, err);
      }
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flushAll();
    });
  }

  #flushAll(): void {
    for (const w of this.#workers) w.flush();
  }

  /** @internal `Future.running()`: a task handed to a child counts as running, as in Python. */
  _running(handle: unknown): boolean {
    const task = handle as ProcessTask;
    return task.worker !== undefined && !task.done();
  }

  /** @internal `Future.cancel()`: withdraws a task still waiting in the pool. */
  _withdraw(handle: unknown): boolean {
    const task = handle as ProcessTask;
    if (task.worker) return false;
    task.withdrawn = true;
    return true;
  }

  /** @internal Records are written at the end of the tick; nothing to poll for across processes. */
  _onAwait(): void {}

  // --- results -------------------------------------------------------------------------

  #onData(w: ProcessWorker, chunk: Buffer): void {
    let settled = 0;
    w.frames.push(chunk, (buf, start, end) => {
      settled += this.#onRecord(w, buf, start, end);
    });
    if (settled) {
      if (w.retiring && w.inflightCount === 0 && !w.exited) this.#retire(w);
      this.#pump();
      this.#flushAll();
    }
  }

  /** Handles one record from a child; returns 1 if a task settled. */
  #onRecord(w: ProcessWorker, buf: Buffer, start: number, end: number): number {
    const kind = buf[start];
    const now = performance.now();
    if (kind === K_START) {
      const task = w.taskAt(buf.readUInt32LE(start + 1));
      if (task) {
        task.startedAt = now;
        if (task.timeout !== undefined || task.stoppedAt !== undefined) this.#watch.watch(task);
      }
      return 0;
    }
    if (kind === K_INIT_ERROR) {
      this.#reader.buf = buf;
      this.#reader.pos = start + 1;
      w.initError = decodeError(this.#reader.read(readHooks));
      return 0;
    }
    if (kind !== K_RESULT || end - start < 10) return 0;
    const slot = buf.readUInt32LE(start + 1);
    const status = buf[start + 5]!;
    const runMs = buf.readFloatLE(start + 6);
    const task = w.release(slot);
    if (!task) return 0;
    this.#inflight--;
    this.#watch.unwatch(task);
    if (task.onAbort) task.signal!.removeEventListener('abort', task.onAbort);
    if (status === R_SKIPPED) return 1;
    w.avgRunMs = w.avgRunMs === undefined ? runMs : w.avgRunMs * 0.9 + runMs * 0.1;
    this.#counters.ran(task.submitted, runMs, now);
    const reader = this.#reader;
    reader.buf = buf;
    reader.pos = start + 10;
    reader.sawSpecial = false;
    const value = reader.read(readHooks);
    if (status === R_ERROR) this.#fail(task, decodeError(value));
    else if (!reader.sawSpecial) this.#complete(task, value);
    else
      void decode(value).then(
        (v) => this.#complete(task, v),
        (e) => this.#fail(task, e),
      );
    return 1;
  }

  #complete(task: ProcessTask, value: unknown): void {
    this.#counters.completed++;
    if (!task.done()) task.setResult(value);
  }

  #fail(task: ProcessTask, err: unknown): void {
    this.#counters.failed++;
    if (!task.done()) task.setException(err);
  }

  // --- timeouts, signals, crashes -------------------------------------------------------

  #checkTimeouts(): void {
    const now = performance.now();
    for (const w of this.#workers) {
      for (const task of w.inflight()) {
        if (task.startedAt === undefined) continue;
        if (
          task.timeout !== undefined &&
          task.stoppedAt === undefined &&
          now - task.startedAt > task.timeout
        )
          this.#stop(task, new TimeoutError(`the task did not finish within ${task.timeout} ms`));
        if (
          task.stoppedAt !== undefined &&
          now - Math.max(task.stoppedAt, task.startedAt) > this.#config.grace &&
          !w.exited
        ) {
          this.#replace(w, task);
          break;
        }
      }
    }
  }

  /** Fails a task a child has and asks the child to stop it (skip it, or abort its taskSignal). */
  #stop(task: ProcessTask, reason: unknown): void {
    task.stoppedAt = performance.now();
    this.#fail(task, reason);
    task.worker!.abort(task.slot, reason);
    if (task.startedAt !== undefined) this.#watch.watch(task);
  }

  /** The task's signal aborted: withdraw it if it waits in the pool, else stop it; it fails with the signal's reason. */
  #abort(task: ProcessTask, reason: unknown): void {
    if (task.done()) return;
    if (this._withdraw(task)) this.#fail(task, reason);
    else this.#stop(task, reason);
  }

  /** A child whose task ignored a stop request for the grace period: kill and replace it. */
  #replace(w: ProcessWorker, culprit: ProcessTask): void {
    this.#handleLostWorker(w, ignoredStopError(culprit, this.#config.grace), culprit);
    w.kill();
  }

  #onExit(w: ProcessWorker): void {
    if (w.initError !== undefined) {
      w.exited = true;
      this.#breakPool(
        new BrokenProcessPool(
          'A process initializer failed, the process pool is not usable anymore',
          { cause: w.initError },
        ),
      );
      return;
    }
    if (w.exited) return;
    if (w.ending && w.inflightCount === 0) {
      w.exited = true;
      this.#forget(w);
      return;
    }
    this.#handleLostWorker(w, w.exitReason(), undefined);
  }

  #forget(w: ProcessWorker): void {
    const i = this.#workers.indexOf(w);
    if (i >= 0) this.#workers.splice(i, 1);
  }

  /**
   * A child died: the tasks it may have been running fail with `WorkerCrashedError`, those it
   * had not started go back to the queue. A child starts its tasks in the order it received
   * them, `concurrency` at a time, so the first `concurrency` unfinished ones are those it may
   * have been running.
   */
  #handleLostWorker(w: ProcessWorker, cause: unknown, culprit: ProcessTask | undefined): void {
    w.exited = true;
    if (this.#config.brokenOnCrash) {
      this.#breakPool(
        new BrokenProcessPool(
          'A process in the process pool was terminated abruptly while the future was running or pending.',
          { cause },
        ),
      );
      return;
    }
    this.#forget(w);
    const tasks = w.inflight();
    w.clear();
    const requeue: ProcessTask[] = [];
    let mayHaveRun = culprit ? 0 : this.#config.concurrency;
    for (const task of tasks) {
      this.#inflight--;
      this.#watch.unwatch(task);
      if (task.done()) continue;
      if (mayHaveRun > 0) {
        mayHaveRun--;
        this.#fail(task, crashedError('process', cause));
      } else {
        task.worker = undefined;
        task.slot = -1;
        task.startedAt = undefined;
        requeue.push(task);
      }
    }
    this.#queue.requeue(requeue);
    this.#pump();
    this.#flushAll();
  }

  #breakPool(err: BrokenProcessPool): void {
    if (this.#broken) return;
    this.#broken = err;
    this.#stopAll(err, 'SIGKILL');
  }

  /** Ends every child with `signal`; every task not finished fails with `err`. */
  #stopAll(err: unknown, signal: NodeJS.Signals): ProcessWorker[] {
    const workers = this.#workers.splice(0);
    for (const w of workers) {
      for (const task of w.inflight()) this.#fail(task, err);
      w.clear();
      w.kill(signal);
    }
    for (const task of this.#queue.clear()) this.#fail(task, err);
    this.#inflight = 0;
    return workers;
  }

  /**
   * @internal `Pool.terminate()`: ends every child now with SIGTERM, as Python does; tasks not
   * finished fail with `reason`. Resolves once the children have exited.
   */
  _terminate(reason: unknown): Promise<void> {
    this.#shutdown = true;
    const released = this.#release(this.#stopAll(reason, 'SIGTERM'));
    this.#closing ??= released;
    return Promise.all([released, this.#closing]).then(noop);
  }

  #retire(w: ProcessWorker): void {
    this.#forget(w);
    w.end();
  }

  #ensureSweeper(): void {
    const idle = this.#config.idleTimeout;
    if (this.#sweeper || !Number.isFinite(idle)) return;
    this.#sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const w of [...this.#workers])
          if (w.inflightCount === 0 && now - w.idleSince > idle && !w.exited) this.#retire(w);
      },
      Math.max(50, idle / 2),
    );
    this.#sweeper.unref();
  }

  // --- shutdown and statistics ---------------------------------------------------------

  async shutdown(options?: ShutdownOptions): Promise<void> {
    const o = checkOptions(options, 'options', ['wait', 'cancelFutures']);
    const wait = o.wait === undefined ? true : checkBoolean(o.wait, 'wait');
    const cancel =
      o.cancelFutures === undefined ? false : checkBoolean(o.cancelFutures, 'cancelFutures');
    this.#shutdown = true;
    if (cancel) for (const task of this.#queue) task.cancel();
    this.#closing ??= this.#close();
    if (wait) await this.#closing;
  }

  async #close(): Promise<void> {
    const outstanding: Future<any>[] = [...this.#queue];
    for (const w of this.#workers) outstanding.push(...w.inflight());
    await Promise.all(outstanding.map((f) => f.then(noop, noop)));
    while (this.#inflight > 0 && !this.#broken) await new Promise((r) => setTimeout(r, 5));
    const workers = this.#workers.splice(0);
    for (const w of workers) w.end();
    await this.#release(workers);
  }

  /** Stops the timers and waits for `workers` to exit (killing any that takes over 5 s). */
  async #release(workers: ProcessWorker[]): Promise<void> {
    clearInterval(this.#sweeper);
    this.#watch.stop();
    await Promise.all(
      workers.map((w) =>
        Promise.race([
          w.closed,
          new Promise<void>((r) =>
            setTimeout(() => {
              w.kill();
              r();
            }, 5000).unref(),
          ),
        ]),
      ),
    );
  }

  /** Counts and time percentiles of the pool's tasks. */
  stats(): PoolStats {
    let busy = 0;
    for (const w of this.#workers) if (w.inflightCount > 0) busy++;
    return this.#counters.stats(
      this.#workers.length,
      busy,
      this.#queue.size,
      this.#inflight,
      this.#config.maxWorkers,
    );
  }

  override toString(): string {
    const s = this.stats();
    return `<ProcessPoolExecutor workers=${s.workers}/${this.#config.maxWorkers} inflight=${s.inflight} queued=${s.queued}${this.#shutdown ? ' shutdown' : ''}>`;
  }
}

function noop(): void {}

/** The error for arguments the codec refused: shared memory, or what no process can receive. */
function crossingError(args: unknown[], err: unknown): ArgumentTypeError {
  return err === NEEDS_PORT ? sharedError(args, 'args') : uncloneableError(args, 'args', err);
}

function sharedError(value: unknown, path: string): ArgumentTypeError {
  const where = findShared(value, path) ?? path;
  return new ArgumentTypeError(
    `${where} is shared memory, which cannot be sent to another process: pass plain values (a process pool copies arguments and results)`,
  );
}

/** The path of the first shared-memory value (a SharedArrayBuffer, a view on one, a weft shared object) in `value`. */
function findShared(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 100) return undefined;
  if (value instanceof SharedArrayBuffer || '$weft' in value) return `${path} (${describe(value)})`;
  if (ArrayBuffer.isView(value))
    return value.buffer instanceof SharedArrayBuffer ? `${path} (${describe(value)})` : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findShared(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const k of Object.keys(value)) {
    const found = findShared((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
