/**
 * `ThreadPoolExecutor` (Python's `concurrent.futures.ThreadPoolExecutor`) on real parallel
 * threads.
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { waitAsync } from '../_internal/futex.js';
import { assertMayBlock } from '../_internal/park.js';
import {
  checkBoolean,
  checkFunction,
  checkInt,
  checkNumber,
  checkOptions,
  checkSignal,
  checkString,
  checkTimeout,
  typeError,
} from '../_internal/validate.js';
import {
  encodeValue,
  NEEDS_PORT,
  type WireHooks,
  WireReader,
  WireWriter,
} from '../_internal/wire.js';
import { BrokenThreadPool, RuntimeError, TimeoutError, WorkerCrashedError } from '../errors.js';
import { decodeError, encodeError } from '../runtime/error_wire.js';
import { decode, encode, uncloneableError } from '../runtime/marshal.js';
import { type TaskRef, toTaskRef } from '../runtime/task_ref.js';
import {
  checkShutdownOptions,
  Executor,
  type RunOptions,
  type ShutdownOptions,
  type TaskFn,
} from './executor.js';
import type { Future, FutureOwner } from './future.js';
import {
  ABORTING,
  CANCELLED,
  F_CHUNK,
  F_SINGLE,
  HEAP_MB,
  P_EPOCH,
  P_WAITING,
  POOL_WORDS,
  QUEUED,
  R_ERROR,
  R_SKIPPED,
  R_TIMEOUT,
  RUNNING,
  SLOTS,
} from './pool_channel.js';
import { PoolTask, PoolWorker } from './pool_worker.js';
import { type Percentiles, Samples } from './stats.js';

/** Options of a {@link ThreadPoolExecutor} (Python's keyword arguments, and weft's own). */
export interface ThreadPoolExecutorOptions {
  /** Most worker threads (default: `os.availableParallelism()`). Workers start as tasks arrive. */
  maxWorkers?: number | undefined;
  /** Runs once in each worker before its first task (exported or self-contained). */
  initializer?: TaskFn | undefined;
  /** Arguments of `initializer`. */
  initargs?: unknown[] | undefined;
  /** Worker names are `${prefix}_${n}` (default `ThreadPoolExecutor-${k}`). */
  threadNamePrefix?: string | undefined;
  /** A worker idle this long (ms) exits; a new one starts when needed (default 10 000). */
  idleTimeout?: number | undefined;
  /** A worker is replaced after running this many tasks (default: never). */
  maxTasksPerWorker?: number | undefined;
  /** A worker whose heap grows past this many MB is replaced after its current tasks (default: never). */
  maxHeapMB?: number | undefined;
  /** V8 heap limits of each worker (`worker_threads` resource limits). */
  resourceLimits?: ResourceLimits | undefined;
  /** Tasks one worker runs at once when they are async (default 1, as Python's threads). */
  concurrency?: number | undefined;
  /**
   * How long (ms) an idle worker polls for the next task before sleeping, and the pool for a
   * result someone awaits (default 0.2; 0 never polls). Polling turns a 50 µs wake into a
   * sub-microsecond hand-off.
   */
  spinMs?: number | undefined;
  /** How long (ms) a task may ignore its timeout or cancellation before its worker is replaced (default 1000). */
  gracePeriod?: number | undefined;
  /** Python's behaviour: a worker that dies breaks the whole pool (default false: only its task fails). */
  brokenOnCrash?: boolean | undefined;
}

/** What {@link ThreadPoolExecutor.stats} reports. */
export interface PoolStats {
  workers: number;
  busyWorkers: number;
  /** Tasks waiting in the pool's queue (not yet given to a worker). */
  queued: number;
  /** Tasks given to workers and not finished. */
  inflight: number;
  completed: number;
  failed: number;
  /** How long tasks ran, ms. */
  runTime: Percentiles;
  /** How long tasks waited before running, ms. */
  waitTime: Percentiles;
  /** Share of the workers' time spent running tasks since the pool started (0–1). */
  utilization: number;
}

const OPTIONS = [
  'maxWorkers',
  'initializer',
  'initargs',
  'threadNamePrefix',
  'idleTimeout',
  'maxTasksPerWorker',
  'maxHeapMB',
  'resourceLimits',
  'concurrency',
  'spinMs',
  'gracePeriod',
  'brokenOnCrash',
];

let poolCounter = 0;
const workerScript = new URL('../runtime/pool_worker_main.js', import.meta.url);
const wireHooks: WireHooks = { encodeFunction: (fn, path) => toTaskRef(fn, path), encodeError };

/** Results a spin-wait polls for at most (µs) when the pool's recent round trips were quick. */
const SPIN_BUDGET_MS = 0.05;

/**
 * A pool of worker threads that run tasks in parallel and return {@link Future}s.
 *
 * Tasks are functions exported from a module (or self-contained); they run in worker threads
 * (real parallelism: no GIL) and their arguments and results cross by structured clone. The
 * pool talks to each worker through shared-memory rings — no message per task — and
 * batches wakeups, so tiny tasks cost a few microseconds each. Per task you can set a
 * `timeout` (counted from when the task starts) and a `signal`; the task sees them as
 * `taskSignal()`. A worker that crashes fails only the task it was running: the pool
 * replaces it and goes on.
 *
 * @example
 * ```ts
 * // tasks.ts
 * export function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
 *
 * // main.ts
 * import { ThreadPoolExecutor } from 'weft/futures';
 * import { fib } from './tasks.js';
 *
 * await using pool = new ThreadPoolExecutor({ maxWorkers: 4 });
 * const f = pool.submit(fib, 30);
 * console.log(await f);                                     // 832040
 * console.log(await pool.map(fib, [10, 20, 30]));          // in input order
 * const slow = pool.run(fib, [45], { timeout: 1000 });      // TimeoutError after 1 s of running
 * ```
 */
export class ThreadPoolExecutor extends Executor implements FutureOwner {
  readonly #maxWorkers: number;
  readonly #prefix: string;
  readonly #initializer: TaskRef | undefined;
  readonly #initargs: unknown;
  readonly #idleTimeout: number;
  readonly #maxTasksPerWorker: number | undefined;
  readonly #maxHeapMB: number | undefined;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #concurrency: number;
  readonly #spinMs: number;
  readonly #grace: number;
  readonly #brokenOnCrash: boolean;

  readonly #workers: PoolWorker[] = [];
  #spawned = 0;
  #queue: PoolTask[] = [];
  #queueHead = 0;
  readonly #fnIds = new Map<Function, { id: number; ref: TaskRef }>();
  readonly #pool = new Int32Array(new SharedArrayBuffer(POOL_WORDS * 4));
  readonly #writer = new WireWriter();
  readonly #epoch = Date.now();
  #flushScheduled = false;
  #armed: AbortController | undefined;
  #shutdown = false;
  #closing: Promise<void> | undefined;
  #broken: BrokenThreadPool | undefined;
  #inflight = 0;
  #timed = 0;
  #watchdog: NodeJS.Timeout | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #latencyMs = Number.POSITIVE_INFINITY;
  readonly #runTimes = new Samples();
  readonly #waitTimes = new Samples();
  #completed = 0;
  #failed = 0;
  #busyMs = 0;
  readonly #created = performance.now();

  constructor(options?: ThreadPoolExecutorOptions) {
    super();
    const o = checkOptions(options, 'options', OPTIONS);
    this.#maxWorkers =
      o.maxWorkers === undefined
        ? availableParallelism()
        : checkInt(o.maxWorkers, 'maxWorkers', 1, 1024);
    this.#prefix =
      o.threadNamePrefix === undefined
        ? `ThreadPoolExecutor-${poolCounter++}`
        : checkString(o.threadNamePrefix, 'threadNamePrefix');
    if (o.initargs !== undefined && !Array.isArray(o.initargs))
      typeError('initargs', 'an array', o.initargs);
    this.#initializer =
      o.initializer === undefined
        ? undefined
        : toTaskRef(checkFunction(o.initializer, 'initializer'), 'initializer');
    this.#initargs = encode(o.initargs ?? [], 'initargs');
    this.#idleTimeout =
      o.idleTimeout === undefined ? 10_000 : checkNumber(o.idleTimeout, 'idleTimeout', 0);
    this.#maxTasksPerWorker =
      o.maxTasksPerWorker === undefined
        ? undefined
        : checkInt(o.maxTasksPerWorker, 'maxTasksPerWorker', 1);
    this.#maxHeapMB =
      o.maxHeapMB === undefined ? undefined : checkNumber(o.maxHeapMB, 'maxHeapMB', 1);
    if (
      o.resourceLimits !== undefined &&
      (typeof o.resourceLimits !== 'object' || o.resourceLimits === null)
    ) {
      typeError('resourceLimits', 'an object', o.resourceLimits);
    }
    this.#resourceLimits = o.resourceLimits;
    this.#concurrency =
      o.concurrency === undefined ? 1 : checkInt(o.concurrency, 'concurrency', 1, SLOTS);
    this.#spinMs = o.spinMs === undefined ? 0.2 : checkNumber(o.spinMs, 'spinMs', 0, 1000);
    this.#grace = o.gracePeriod === undefined ? 1000 : checkNumber(o.gracePeriod, 'gracePeriod', 0);
    this.#brokenOnCrash =
      o.brokenOnCrash === undefined ? false : checkBoolean(o.brokenOnCrash, 'brokenOnCrash');
  }

  /** The most workers this pool runs. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  run<F extends TaskFn>(
    fn: F,
    args: Parameters<F>,
    options?: RunOptions,
  ): Future<Awaited<ReturnType<F>>> {
    return this.#submit(fn, args, options, 0);
  }

  /** @internal A map chunk travels as one record; the worker applies `fn` to each item. */
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
    const task = new PoolTask<Awaited<ReturnType<F>>>(
      def.id,
      def.ref,
      args,
      timeout,
      signal,
      chunk,
    );
    const w = this.#queueHead === this.#queue.length ? this.#workerWithRoom() : undefined;
    // Either way the arguments are encoded now, so what cannot cross fails here, at the call.
    const viaPort = w ? this.#encode(args) : this.#validate(args);
    task._owner = this;
    if (signal) {
      if (signal.aborted) {
        task.setException(signal.reason);
        return task;
      }
      task.onAbort = () => this.#abort(task, signal.reason);
      signal.addEventListener('abort', task.onAbort, { once: true });
    }
    if (timeout !== undefined) this.#watch(task);
    if (w?.dispatch(task, viaPort ? undefined : this.#writer)) this.#dispatched(task);
    else this.#queue.push(task);
    this.#scheduleFlush();
    return task;
  }

  /**
   * Checks that `args` can cross, cheaply when they are all primitives (the common case);
   * returns true if they must go through the port. The task is encoded again when dispatched.
   */
  #validate(args: unknown[]): boolean {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const t = typeof a;
      if (a !== null && t !== 'number' && t !== 'string' && t !== 'boolean' && t !== 'undefined')
        return this.#encode(args);
    }
    return false;
  }

  /** Encodes `args` into the scratch writer; true if they must go through the port. */
  #encode(args: unknown[]): boolean {
    this.#writer.reset();
    try {
      encodeValue(this.#writer, args, wireHooks, 'args');
      return false;
    } catch (err) {
      if (err === NEEDS_PORT) {
        try {
          structuredClone(encode(args));
        } catch (cloneErr) {
          throw uncloneableError(args, 'args', cloneErr);
        }
        return true;
      }
      throw uncloneableError(args, 'args', err);
    }
  }

  #define(fn: Function): { id: number; ref: TaskRef } {
    let def = this.#fnIds.get(fn);
    if (!def) {
      def = { id: this.#fnIds.size + 1, ref: toTaskRef(fn, 'fn') };
      this.#fnIds.set(fn, def);
    }
    return def;
  }

  // --- scheduling ----------------------------------------------------------------------

  #capFor(w: PoolWorker): number {
    const avg = w.avgRunMs;
    if (avg === undefined) return 2;
    return Math.max(2, Math.min(SLOTS, Math.floor(1 / Math.max(avg, 0.0002))));
  }

  /**
   * The live worker with the fewest tasks in flight that still has room (its cap: about 1 ms of
   * work, from its recent run times), starting a new one if every live one is busy.
   */
  #workerWithRoom(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    let allBusy = true;
    for (const w of this.#workers) {
      if (w.retiring || w.exited) continue;
      if (w.inflightCount === 0) allBusy = false;
      if (w.room(this.#capFor(w)) > 0 && (!best || w.inflightCount < best.inflightCount)) best = w;
    }
    if ((allBusy || !best) && this.#liveWorkers() < this.#maxWorkers && !this.#shutdownDone())
      return this.#spawn();
    return best;
  }

  #liveWorkers(): number {
    let n = 0;
    for (const w of this.#workers) if (!w.retiring && !w.exited) n++;
    return n;
  }

  #shutdownDone(): boolean {
    return (
      this.#closing !== undefined && this.#inflight === 0 && this.#queueHead === this.#queue.length
    );
  }

  #spawn(): PoolWorker {
    const w = new PoolWorker(workerScript, {
      name: `${this.#prefix}_${this.#spawned++}`,
      pool: this.#pool.buffer as SharedArrayBuffer,
      epoch: this.#epoch,
      concurrency: this.#concurrency,
      spinMs: this.#spinMs,
      initializer: this.#initializer,
      initargs: this.#initargs,
      resourceLimits: this.#resourceLimits,
    });
    this.#workers.push(w);
    w.worker.on('error', (err) => this.#onExit(w, err));
    w.worker.on('exit', (code) =>
      this.#onExit(w, new Error(`worker ${w.worker.threadId} exited with code ${code}`)),
    );
    this.#ensureSweeper();
    return w;
  }

  /** @internal `Future.running()`: whether its worker has started it. */
  _running(handle: unknown): boolean {
    const task = handle as PoolTask;
    const w = task.worker;
    if (!w || task.slot < 0) return false;
    const state = Atomics.load(w.channel.slots, 2 * task.slot);
    return (state === RUNNING || state === ABORTING) && w.taskAt(task.slot) === task;
  }

  /** @internal `Future.resultSync()`: blocks this thread, draining results, until the task is done. */
  _waitSync(handle: unknown, timeout: number | undefined): void {
    assertMayBlock('Future.resultSync()');
    const task = handle as PoolTask;
    const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeout;
    this.#flushAll();
    while (!task.done()) {
      const e = Atomics.load(this.#pool, P_EPOCH);
      Atomics.store(this.#pool, P_WAITING, 1);
      this.#drain();
      this.#pump();
      this.#flushAll();
      if (task.done()) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(this.#pool, P_EPOCH, e, Math.min(left, 20));
    }
  }

  /** @internal `Future.cancel()`: withdraws a task that has not started. */
  _withdraw(handle: unknown): boolean {
    const task = handle as PoolTask;
    const w = task.worker;
    if (!w) {
      task.withdrawn = true;
      return true;
    }
    return Atomics.compareExchange(w.channel.slots, 2 * task.slot, QUEUED, CANCELLED) === QUEUED;
  }

  #dispatched(task: PoolTask): void {
    this.#inflight++;
    const w = task.worker!;
    if (this.#maxTasksPerWorker !== undefined && w.dispatched >= this.#maxTasksPerWorker)
      w.retiring = true;
  }

  /** Moves queued tasks into workers' rings while they have room. */
  #pump(): void {
    while (this.#queueHead < this.#queue.length) {
      const task = this.#queue[this.#queueHead]!;
      if (task.withdrawn || task.done()) {
        this.#queueHead++;
        continue;
      }
      const w = this.#workerWithRoom();
      if (!w?.dispatch(task, this.#encode(task.args) ? undefined : this.#writer)) break;
      this.#queueHead++;
      this.#dispatched(task);
    }
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flushAll();
      // A few tasks that usually come back within microseconds: wait for them here, polling,
      // rather than sleep and pay a wake-up (the caller is most likely about to await them).
      if (this.#inflight <= this.#workers.length) this.#spinUntil(() => this.#inflight === 0);
      this.#arm();
    });
  }

  #flushAll(): void {
    for (const w of this.#workers) w.flush();
  }

  // --- results -------------------------------------------------------------------------

  /** Reads every published result; returns how many tasks settled. */
  #drain(): number {
    let n = 0;
    for (let i = 0; i < this.#workers.length; i++) {
      const w = this.#workers[i]!;
      const ring = w.channel.results;
      if (ring.empty()) continue;
      const reader = new WireReader(ring.data);
      const now = performance.now();
      for (let off = ring.next(); off >= 0; off = ring.next()) {
        n++;
        this.#settle(w, reader, off, now);
      }
      ring.release();
      if (this.#maxHeapMB !== undefined && w.channel.control[HEAP_MB]! > this.#maxHeapMB)
        w.retiring = true;
      if (w.retiring && w.inflightCount === 0 && !w.exited) void this.#retire(w);
    }
    if (n) {
      this.#pump();
      this.#flushAll();
    }
    return n;
  }

  #settle(w: PoolWorker, reader: WireReader, off: number, now: number): void {
    const d = w.channel.results.data;
    const slot = d.readUInt32LE(off);
    const statusByte = d[off + 4]!;
    const status = statusByte & 0x7f;
    const runMs = d.readFloatLE(off + 5);
    if (status === R_TIMEOUT) {
      const task = w.taskAt(slot);
      reader.pos = off + 9;
      const err = decodeError(reader.read({ decodeFunction: (r) => r, decodeError: (e) => e }));
      if (task && !task.done()) this.#fail(task, err);
      if (task) task.stoppedAt ??= now;
      return;
    }
    const task = w.release(slot);
    if (!task) return;
    this.#inflight--;
    this.#unwatch(task);
    if (task.onAbort) task.signal!.removeEventListener('abort', task.onAbort);
    if (status === R_SKIPPED) return;
    w.avgRunMs = w.avgRunMs === undefined ? runMs : w.avgRunMs * 0.9 + runMs * 0.1;
    this.#runTimes.add(runMs);
    this.#waitTimes.add(Math.max(0, now - task.submitted - runMs));
    this.#busyMs += runMs;
    this.#latencyMs =
      this.#latencyMs === Number.POSITIVE_INFINITY
        ? now - task.submitted
        : this.#latencyMs * 0.9 + (now - task.submitted) * 0.1;
    let value: unknown;
    if (statusByte & 0x80) value = w.receive()?.value;
    else {
      reader.pos = off + 9;
      reader.sawSpecial = false;
      value = reader.read({ decodeFunction: (ref) => ({ $weftFn: ref }), decodeError });
      if (!reader.sawSpecial && status !== R_ERROR) {
        this.#complete(task, value);
        return;
      }
    }
    if (status === R_ERROR) {
      this.#failed++;
      if (!task.done()) task.setException(decodeError(value));
      return;
    }
    void decode(value).then(
      (v) => this.#complete(task, v),
      (e) => this.#fail(task, e),
    );
  }

  #complete(task: PoolTask, value: unknown): void {
    this.#completed++;
    if (!task.done()) task.setResult(value);
  }

  #fail(task: PoolTask, err: unknown): void {
    this.#failed++;
    if (!task.done()) task.setException(err);
  }

  /** Sleeps until a worker publishes results (or wakes at once if some are there). */
  #arm(): void {
    if (this.#armed || this.#inflight === 0) return;
    const e = Atomics.load(this.#pool, P_EPOCH);
    Atomics.store(this.#pool, P_WAITING, 1);
    for (const w of this.#workers) {
      if (!w.channel.results.empty()) {
        Atomics.store(this.#pool, P_WAITING, 0);
        setImmediate(this.#onWake);
        return;
      }
    }
    const armed = new AbortController();
    this.#armed = armed;
    void waitAsync(this.#pool, P_EPOCH, e, undefined, armed.signal).then(() => {
      if (this.#armed === armed) this.#onWake();
    });
  }

  readonly #onWake = (): void => {
    this.#armed = undefined;
    Atomics.store(this.#pool, P_WAITING, 0);
    this.#drain();
    this.#arm();
  };

  #disarm(): void {
    const armed = this.#armed;
    this.#armed = undefined;
    armed?.abort();
    Atomics.store(this.#pool, P_WAITING, 0);
  }

  /** @internal Someone awaits a pending future: if results usually come back fast, poll for it briefly. */
  _onAwait(future: Future<any>): void {
    this.#flushAll();
    this.#spinUntil(() => future.done());
  }

  /** Polls for results until `done()`, for at most the spin budget, if round trips are usually that quick. */
  #spinUntil(done: () => boolean): void {
    if (this.#spinMs === 0 || this.#latencyMs > SPIN_BUDGET_MS * 4) return;
    const until = performance.now() + Math.min(this.#spinMs, SPIN_BUDGET_MS);
    while (!done()) {
      if (this.#drain() === 0 && performance.now() > until) break;
    }
  }

  // --- timeouts, signals, crashes -------------------------------------------------------

  /** The watchdog looks at tasks with a timeout, and at tasks asked to stop (for the grace period). */
  #watch(task: PoolTask): void {
    if (task.watched) return;
    task.watched = true;
    if (this.#timed++ === 0) {
      this.#watchdog = setInterval(() => this.#checkTimeouts(), 10);
      this.#watchdog.unref();
    }
  }

  #unwatch(task: PoolTask): void {
    if (!task.watched) return;
    task.watched = false;
    if (--this.#timed === 0) clearInterval(this.#watchdog);
  }

  #checkTimeouts(): void {
    const now = Date.now() - this.#epoch;
    const perf = performance.now();
    for (const w of this.#workers) {
      for (const [slot, task] of w.inflight()) {
        const state = Atomics.load(w.channel.slots, 2 * slot);
        if (state !== RUNNING && state !== ABORTING) continue;
        if (
          task.timeout !== undefined &&
          task.stoppedAt === undefined &&
          now - w.channel.slots[2 * slot + 1]! > task.timeout
        ) {
          this.#stop(task, new TimeoutError(`the task did not finish within ${task.timeout} ms`));
        }
        if (task.stoppedAt !== undefined && perf - task.stoppedAt > this.#grace && !w.exited) {
          void this.#replace(w, task);
          break;
        }
      }
    }
  }

  /** Fails a running task and asks it to stop (its taskSignal aborts). */
  #stop(task: PoolTask, reason: unknown): void {
    task.stoppedAt = performance.now();
    this.#fail(task, reason);
    const w = task.worker;
    if (w && Atomics.compareExchange(w.channel.slots, 2 * task.slot, RUNNING, ABORTING) === RUNNING)
      w.poke();
    this.#watch(task);
  }

  /** The task's signal aborted: withdraw it if it has not started, else stop it; it fails with the signal's reason. */
  #abort(task: PoolTask, reason: unknown): void {
    if (task.done()) return;
    if (this._withdraw(task)) {
      this.#fail(task, reason);
      return;
    }
    this.#stop(task, reason);
  }

  /** A worker that ignored a stop request for the grace period: replace it. */
  async #replace(w: PoolWorker, culprit: PoolTask): Promise<void> {
    const cause = new TimeoutError(
      `a task ignored its ${culprit.timeout !== undefined ? 'timeout' : 'cancellation'} for ${this.#grace} ms`,
    );
    this.#handleLostWorker(w, cause, culprit);
    await w.terminate();
  }

  #onExit(w: PoolWorker, cause: unknown): void {
    if (w.exited) return;
    w.exited = true;
    const init = w.receive();
    if (init?.initError) {
      w.exited = true;
      this.#breakPool(
        new BrokenThreadPool('A thread initializer failed, the thread pool is not usable anymore', {
          cause: decodeError(init.initError),
        }),
      );
      return;
    }
    this.#handleLostWorker(w, cause, undefined);
  }

  /** Fails the tasks a lost worker was running, gives its unstarted ones to others. */
  #handleLostWorker(w: PoolWorker, cause: unknown, culprit: PoolTask | undefined): void {
    w.exited = true;
    if (this.#brokenOnCrash) {
      this.#breakPool(
        new BrokenThreadPool('A worker of the pool died; the thread pool is not usable anymore', {
          cause,
        }),
      );
      return;
    }
    const i = this.#workers.indexOf(w);
    if (i >= 0) this.#workers.splice(i, 1);
    const requeue: PoolTask[] = [];
    for (const [slot, task] of [...w.inflight()]) {
      const state = Atomics.load(w.channel.slots, 2 * slot);
      w.release(slot);
      this.#inflight--;
      this.#unwatch(task);
      if (state === QUEUED) {
        task.worker = undefined;
        requeue.push(task);
      } else if (state !== CANCELLED && task !== culprit && !task.done()) {
        this.#fail(
          task,
          new WorkerCrashedError(
            `the worker running this task died: ${(cause as Error)?.message ?? cause}`,
            { cause },
          ),
        );
      }
    }
    if (requeue.length) {
      this.#queue.splice(this.#queueHead, 0, ...requeue);
      for (const t of requeue) if (t.timeout !== undefined) this.#watch(t);
    }
    if (this.#inflight === 0 && requeue.length === 0) this.#disarm();
    this.#pump();
    this.#flushAll();
    this.#arm();
  }

  #breakPool(err: BrokenThreadPool): void {
    if (this.#broken) return;
    this.#broken = err;
    this.#disarm();
    for (const w of this.#workers) {
      for (const [, task] of w.inflight()) this.#fail(task, err);
      w.clear();
      void w.terminate();
    }
    this.#workers.length = 0;
    for (let i = this.#queueHead; i < this.#queue.length; i++) this.#fail(this.#queue[i]!, err);
    this.#queue = [];
    this.#queueHead = 0;
    this.#inflight = 0;
  }

  async #retire(w: PoolWorker): Promise<void> {
    const i = this.#workers.indexOf(w);
    if (i >= 0) this.#workers.splice(i, 1);
    await w.terminate();
    this.#pump();
    this.#flushAll();
  }

  #ensureSweeper(): void {
    if (this.#sweeper || !Number.isFinite(this.#idleTimeout)) return;
    this.#sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const w of [...this.#workers]) {
          if (w.inflightCount === 0 && now - w.idleSince > this.#idleTimeout && !w.exited)
            void this.#retire(w);
        }
      },
      Math.max(50, this.#idleTimeout / 2),
    );
    this.#sweeper.unref();
  }

  // --- shutdown and statistics ---------------------------------------------------------

  async shutdown(options?: ShutdownOptions): Promise<void> {
    const { wait, cancelFutures: cancel } = checkShutdownOptions(options);
    this.#shutdown = true;
    if (cancel) {
      for (let i = this.#queueHead; i < this.#queue.length; i++) this.#queue[i]!.cancel();
      for (const w of this.#workers) for (const [, t] of w.inflight()) t.cancel();
    }
    this.#closing ??= this.#close();
    if (wait) await this.#closing;
  }

  async #close(): Promise<void> {
    const outstanding: Future<any>[] = [];
    for (let i = this.#queueHead; i < this.#queue.length; i++) outstanding.push(this.#queue[i]!);
    for (const w of this.#workers) for (const [, t] of w.inflight()) outstanding.push(t);
    await Promise.all(outstanding.map((f) => f.then(noop, noop)));
    while (this.#inflight > 0 && !this.#broken) await new Promise((r) => setTimeout(r, 5));
    clearInterval(this.#sweeper);
    clearInterval(this.#watchdog);
    this.#disarm();
    const workers = this.#workers.splice(0);
    await Promise.all(
      workers.map((w) =>
        Promise.race([w.terminate(), new Promise((r) => setTimeout(r, 5000).unref())]),
      ),
    );
  }

  /** Counts and time percentiles of the pool's tasks. */
  stats(): PoolStats {
    let busy = 0;
    for (const w of this.#workers) if (w.inflightCount > 0) busy++;
    const elapsed = performance.now() - this.#created;
    return {
      workers: this.#workers.length,
      busyWorkers: busy,
      queued: this.#queue.length - this.#queueHead,
      inflight: this.#inflight,
      completed: this.#completed,
      failed: this.#failed,
      runTime: this.#runTimes.percentiles(),
      waitTime: this.#waitTimes.percentiles(),
      utilization: Math.min(1, this.#busyMs / (elapsed * Math.max(1, this.#maxWorkers))),
    };
  }

  override toString(): string {
    const s = this.stats();
    return `<ThreadPoolExecutor ${this.#prefix} workers=${s.workers}/${this.#maxWorkers} inflight=${s.inflight} queued=${s.queued}${this.#shutdown ? ' shutdown' : ''}>`;
  }
}

function noop(): void {}
