/**
 * `ProcessPoolExecutor` (Python's `concurrent.futures.ProcessPoolExecutor`): tasks run in
 * child Node.js processes that import them by reference.
 */
import * as v8 from 'node:v8';
import { checkInt, checkOptions, describe } from '../_internal/validate.js';
import { encodeValue, NEEDS_PORT, WireReader, WireWriter } from '../_internal/wire.js';
import { ArgumentTypeError, BrokenProcessPool, TimeoutError } from '../errors.js';
import { decodeError } from '../runtime/error_wire.js';
import { decode, uncloneableError } from '../runtime/marshal.js';
import { readHooks, wireHooks } from '../runtime/task_runner.js';
import type { TaskFn } from './executor.js';
import { R_ERROR, R_SKIPPED } from './pool_channel.js';
import {
  COMMON_POOL_OPTIONS,
  type CommonPoolOptions,
  capFromRunTime,
  checkPoolOptions,
  crashedError,
  ignoredStopError,
  pickWorker,
} from './pool_core.js';
import { PoolExecutor } from './pool_executor.js';
import { K_INIT_ERROR, K_RESULT, K_START } from './process_pool_frames.js';
import { type ProcessTask, ProcessWorker } from './process_pool_worker.js';

/**
 * Options of a {@link ProcessPoolExecutor} (Python's keyword arguments, and weft's own).
 *
 * @example
 * ```ts
 * const pool = new ProcessPoolExecutor({
 *   maxWorkers: 4,
 *   initializer: connect,        // exported from its module
 *   initargs: ['postgres://…'],
 *   maxTasksPerChild: 1000,
 *   brokenOnCrash: false,
 * });
 * ```
 */
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

const OPTIONS = [...COMMON_POOL_OPTIONS, 'maxTasksPerChild'];

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
export class ProcessPoolExecutor extends PoolExecutor<ProcessWorker> {
  readonly #maxTasksPerChild: number | undefined;
  readonly #scratch = new WireWriter();
  readonly #reader = new WireReader(Buffer.alloc(0));
  #flushScheduled = false;

  constructor(options?: ProcessPoolExecutorOptions) {
    const o = checkOptions(options, 'options', OPTIONS);
    super(checkPoolOptions(o, { idleTimeout: 60_000, maxConcurrency: MAX_INFLIGHT }));
    try {
      v8.serialize(this._config.initargs);
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

  /** The process ids of the pool's live children. */
  get pids(): number[] {
    return this._workers.filter((w) => !w.exited && w.pid !== undefined).map((w) => w.pid!);
  }

  /** @internal */
  protected _submit(task: ProcessTask): ProcessTask {
    const args = task.args;
    if (task.signal?.aborted) {
      this.#validate(args);
      task.setException(task.signal.reason);
      return task;
    }
    // Arguments are encoded now, so what cannot cross fails here, at the call (and before a
    // child is started for it).
    if (this._workers.length < this._config.maxWorkers) this.#validate(args);
    const w = this._queue.peek() === undefined ? this.#pick() : undefined;
    if (w) this.#dispatch(w, task);
    else {
      this.#validate(args);
      this._queue.push(task);
    }
    task._owner = this;
    this._listen(task);
    this.#scheduleFlush();
    return task;
  }

  /** Checks that `args` can cross, cheaply when they are all primitives (the common case). */
  #validate(args: unknown[]): void {
    if (PoolExecutor._primitive(args)) return;
    this.#scratch.reset();
    try {
      encodeValue(this.#scratch, args, wireHooks, 'args');
    } catch (err) {
      throw crossingError(args, err);
    }
  }

  #dispatch(w: ProcessWorker, task: ProcessTask): void {
    try {
      w.dispatch(task);
    } catch (err) {
      throw crossingError(task.args, err);
    }
    this._inflight++;
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
      this._workers,
      this.#capFor,
      !this._shutdownDone(),
      this._config.maxWorkers,
      () => this.#spawn(),
    );
  }

  #spawn(): ProcessWorker {
    const w = new ProcessWorker({
      concurrency: this._config.concurrency,
      initializer: this._config.initializer,
      initargs: this._config.initargs,
    });
    this._workers.push(w);
    w.pipe.on('data', (chunk: Buffer) => this.#onData(w, chunk));
    w.pipe.on('error', () => {});
    w.child.on('error', () => {});
    void w.closed.then(() => this.#onExit(w));
    this._ensureSweeper();
    return w;
  }

  /** Moves queued tasks to children while they have room. */
  #pump(): void {
    for (let task = this._queue.peek(); task; task = this._queue.peek()) {
      const w = this.#pick();
      if (!w) break;
      this._queue.shift();
      try {
        this.#dispatch(w, task);
      } catch (err) {
        this._fail(task, err);
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
    for (const w of this._workers) w.flush();
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
      if (w.retiring && w.inflightCount === 0 && !w.exited) this._retire(w);
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
        if (task.timeout !== undefined || task.stoppedAt !== undefined) this._watch.watch(task);
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
    this._released(task);
    if (status === R_SKIPPED) return 1;
    w.avgRunMs = w.avgRunMs === undefined ? runMs : w.avgRunMs * 0.9 + runMs * 0.1;
    this._counters.ran(task.submitted, runMs, now);
    const reader = this.#reader;
    reader.buf = buf;
    reader.pos = start + 10;
    reader.sawSpecial = false;
    const value = reader.read(readHooks);
    if (status === R_ERROR) this._fail(task, decodeError(value));
    else if (!reader.sawSpecial) this._complete(task, value);
    else
      void decode(value).then(
        (v) => this._complete(task, v),
        (e) => this._fail(task, e),
      );
    return 1;
  }

  // --- timeouts, signals, crashes -------------------------------------------------------

  /** @internal */
  protected _checkTimeouts(): void {
    const now = performance.now();
    for (const w of this._workers) {
      for (const task of w.inflight()) {
        if (task.startedAt === undefined) continue;
        if (
          task.timeout !== undefined &&
          task.stoppedAt === undefined &&
          now - task.startedAt > task.timeout
        )
          this._stop(task, new TimeoutError(`the task did not finish within ${task.timeout} ms`));
        if (
          task.stoppedAt !== undefined &&
          now - Math.max(task.stoppedAt, task.startedAt) > this._config.grace &&
          !w.exited
        ) {
          this.#replace(w, task);
          break;
        }
      }
    }
  }

  /** @internal Fails a task a child has and asks the child to stop it (skip it, or abort its taskSignal). */
  protected _stop(task: ProcessTask, reason: unknown): void {
    task.stoppedAt = performance.now();
    this._fail(task, reason);
    task.worker!.abort(task.slot, reason);
    if (task.startedAt !== undefined) this._watch.watch(task);
  }

  /** A child whose task ignored a stop request for the grace period: kill and replace it. */
  #replace(w: ProcessWorker, culprit: ProcessTask): void {
    this.#handleLostWorker(w, ignoredStopError(culprit, this._config.grace), culprit);
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
    const i = this._workers.indexOf(w);
    if (i >= 0) this._workers.splice(i, 1);
  }

  /**
   * A child died: the tasks it may have been running fail with `WorkerCrashedError`, those it
   * had not started go back to the queue. A child starts its tasks in the order it received
   * them, `concurrency` at a time, so the first `concurrency` unfinished ones are those it may
   * have been running.
   */
  #handleLostWorker(w: ProcessWorker, cause: unknown, culprit: ProcessTask | undefined): void {
    w.exited = true;
    if (this._config.brokenOnCrash) {
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
    let mayHaveRun = culprit ? 0 : this._config.concurrency;
    for (const task of tasks) {
      this._released(task);
      if (task.done()) continue;
      if (mayHaveRun > 0) {
        mayHaveRun--;
        this._fail(task, crashedError('process', cause));
      } else {
        task.worker = undefined;
        task.slot = -1;
        task.startedAt = undefined;
        if (task.signal) this._listen(task);
        requeue.push(task);
      }
    }
    this._queue.requeue(requeue);
    this.#pump();
    this.#flushAll();
  }

  #breakPool(err: BrokenProcessPool): void {
    if (this._broken) return;
    this._broken = err;
    this.#stopAll(err, 'SIGKILL');
  }

  /** Ends every child with `signal`; every task not finished fails with `err`. */
  #stopAll(err: unknown, signal: NodeJS.Signals): ProcessWorker[] {
    const workers = this._workers.splice(0);
    for (const w of workers) {
      for (const task of w.inflight()) this._fail(task, err);
      w.clear();
      w.kill(signal);
    }
    for (const task of this._queue.clear()) this._fail(task, err);
    this._inflight = 0;
    return workers;
  }

  /**
   * @internal `Pool.terminate()`: ends every child now with SIGTERM, as Python does; tasks not
   * finished fail with `reason`. Resolves once the children have exited.
   */
  _terminate(reason: unknown): Promise<void> {
    this._shutdown = true;
    const released = this.#release(this.#stopAll(reason, 'SIGTERM'));
    this._closing ??= released;
    return Promise.all([released, this._closing]).then(noop);
  }

  /** @internal */
  protected _retire(w: ProcessWorker): void {
    this.#forget(w);
    w.end();
  }

  /** @internal */
  protected *_inflightTasks(): Iterable<ProcessTask> {
    for (const w of this._workers) yield* w.inflight();
  }

  // --- shutdown ------------------------------------------------------------------------

  /** @internal */
  protected async _close(): Promise<void> {
    await this._drained();
    const workers = this._workers.splice(0);
    for (const w of workers) w.end();
    await this.#release(workers);
  }

  /** Stops the timers and waits for `workers` to exit (killing any that takes over 5 s). */
  async #release(workers: ProcessWorker[]): Promise<void> {
    this._stopTimers();
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

  override toString(): string {
    const s = this.stats();
    return `<ProcessPoolExecutor workers=${s.workers}/${this._config.maxWorkers} inflight=${s.inflight} queued=${s.queued}${this._shutdown ? ' shutdown' : ''}>`;
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
