/**
 * `ThreadPoolExecutor` (Python's `concurrent.futures.ThreadPoolExecutor`) on real parallel
 * threads.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { waitAsync } from '../_internal/futex.js';
import { assertMayBlock } from '../_internal/park.js';
import {
  checkInt,
  checkNumber,
  checkOptions,
  checkString,
  typeError,
} from '../_internal/validate.js';
import { encodeItems, encodeValue, NEEDS_PORT, WireReader, WireWriter } from '../_internal/wire.js';
import { BrokenThreadPool, TimeoutError } from '../errors.js';
import { decodeError } from '../runtime/error_wire.js';
import { decode, encode, uncloneableError } from '../runtime/marshal.js';
import { readHooks, wireHooks } from '../runtime/task_runner.js';
import type { RunOptions, TaskFn } from './executor.js';
import type { Future } from './future.js';
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
import { type PoolTask, PoolWorker } from './pool_worker.js';

export type { PoolStats } from './stats.js';

/** Options of a {@link ThreadPoolExecutor} (Python's keyword arguments, and weft's own). */
export interface ThreadPoolExecutorOptions extends CommonPoolOptions {
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

const OPTIONS = [
  ...COMMON_POOL_OPTIONS,
  'threadNamePrefix',
  'maxTasksPerWorker',
  'maxHeapMB',
  'resourceLimits',
  'spinMs',
];

let poolCounter = 0;
const workerScript = new URL('../runtime/pool_worker_main.js', import.meta.url);

/** A map chunk's items, cut out of the map's input: the task no longer refers to it. */
function cutItems(task: PoolTask): void {
  task.args = task.items!.slice(task.from, task.to);
  task.items = undefined;
}

/**
 * Work (ms, at recent run times) a worker may have queued in its ring from a map's chunks.
 * More than for single tasks: a map's chunks are all known at once, and each refill costs
 * the pool a wake-up and the worker another, when they could be running chunks.
 */
const CHUNK_BUDGET_MS = 5;

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
export class ThreadPoolExecutor extends PoolExecutor<PoolWorker> {
  readonly #prefix: string;
  readonly #maxTasksPerWorker: number | undefined;
  readonly #maxHeapMB: number | undefined;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #spinMs: number;

  #spawned = 0;
  readonly #pool = new Int32Array(new SharedArrayBuffer(POOL_WORDS * 4));
  readonly #writer = new WireWriter();
  readonly #epoch = Date.now();
  #flushScheduled = false;
  #armed: AbortController | undefined;

  constructor(options?: ThreadPoolExecutorOptions) {
    const o = checkOptions(options, 'options', OPTIONS);
    super(checkPoolOptions(o, { idleTimeout: 10_000, maxConcurrency: SLOTS }));
    this.#prefix =
      o.threadNamePrefix === undefined
        ? `ThreadPoolExecutor-${poolCounter++}`
        : checkString(o.threadNamePrefix, 'threadNamePrefix');
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
    this.#spinMs = o.spinMs === undefined ? 0.2 : checkNumber(o.spinMs, 'spinMs', 0, 1000);
  }

  /** @internal */
  protected _submit(task: PoolTask): PoolTask {
    const w = this._queue.peek() === undefined ? this.#workerWithRoom(task) : undefined;
    // Either way the arguments are encoded now, so what cannot cross fails here, at the call.
    const viaPort = w ? this.#encode(task) : this.#validate(task);
    task._owner = this;
    if (task.signal?.aborted) {
      task.setException(task.signal.reason);
      return task;
    }
    this._listen(task);
    if (task.timeout !== undefined) this._watch.watch(task);
    if (w?.dispatch(task, viaPort ? undefined : this.#writer)) this.#dispatched(task);
    else {
      // It waits: a chunk is cut out of the map's input now, which may change after the call.
      if (task.items) cutItems(task);
      this._queue.push(task);
    }
    this.#scheduleFlush();
    return task;
  }

  /**
   * @internal A map chunk is encoded straight from the map's input into a worker's ring, not
   * cut out first (if it must wait in the queue it is cut then). A chunk whose worker dies
   * before starting it is encoded again from the input.
   */
  override _runItems(
    fn: TaskFn,
    items: readonly unknown[],
    from: number,
    to: number,
    single: boolean,
    options: RunOptions,
  ): Future<unknown[]> {
    const task = this._task(fn, [], options, F_CHUNK | (single ? F_SINGLE : 0));
    task.items = items;
    task.from = from;
    task.to = to;
    return this._submit(task) as Future<unknown[]>;
  }

  /**
   * Checks that the task's arguments can cross, cheaply when they are all primitives (the
   * common case); returns true if they must go through the port. The task is encoded again
   * when dispatched.
   */
  #validate(task: PoolTask): boolean {
    if (task.items) cutItems(task);
    return PoolExecutor._primitive(task.args) ? false : this.#encode(task);
  }

  /** Encodes the task's arguments into the scratch writer; true if they must go through the port. */
  #encode(task: PoolTask): boolean {
    this.#writer.reset();
    try {
      if (task.items) encodeItems(this.#writer, task.items, task.from, task.to, wireHooks, 'args');
      else encodeValue(this.#writer, task.args, wireHooks, 'args');
      return false;
    } catch (err) {
      if (task.items) cutItems(task);
      const args = task.args;
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

  // --- scheduling ----------------------------------------------------------------------

  /** Moving average of the run time of the pool's tasks, ms (undefined until one finished). */
  #avgRunMs: number | undefined;

  /**
   * A worker's cap: about `budgetMs` of work at its recent run time — or at the pool's, if
   * that is shorter. Workers of one pool run alike tasks; one slow outlier (a cold start, a
   * preempted thread) must not leave a worker with a small cap, and the others with the bulk
   * of a map's chunks, for long.
   */
  #capFor(w: PoolWorker, budgetMs: number): number {
    const own = w.avgRunMs;
    const pool = this.#avgRunMs;
    return capFromRunTime(
      own === undefined || pool === undefined ? own : Math.min(own, pool),
      budgetMs,
      2,
      SLOTS,
    );
  }

  readonly #capForTask = (w: PoolWorker): number => this.#capFor(w, 1);
  readonly #capForChunk = (w: PoolWorker): number => this.#capFor(w, CHUNK_BUDGET_MS);

  /**
   * The live worker with the fewest tasks in flight that still has room (its cap: about 1 ms of
   * work, from its recent run times — more for a map's chunks), starting a new one if every
   * live one is busy.
   */
  #workerWithRoom(task: PoolTask): PoolWorker | undefined {
    return pickWorker(
      this._workers,
      task.chunk ? this.#capForChunk : this.#capForTask,
      !this._shutdownDone(),
      this._config.maxWorkers,
      () => this.#spawn(),
    );
  }

  #spawn(): PoolWorker {
    const w = new PoolWorker(workerScript, {
      name: `${this.#prefix}_${this.#spawned++}`,
      pool: this.#pool.buffer as SharedArrayBuffer,
      epoch: this.#epoch,
      concurrency: this._config.concurrency,
      spinMs: this.#spinMs,
      initializer: this._config.initializer,
      initargs: this._config.initargs,
      resourceLimits: this.#resourceLimits,
    });
    this._workers.push(w);
    w.worker.on('error', (err) => this.#onExit(w, err));
    w.worker.on('exit', (code) =>
      this.#onExit(w, new Error(`worker ${w.worker.threadId} exited with code ${code}`)),
    );
    this._ensureSweeper();
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
    this._inflight++;
    const w = task.worker!;
    if (this.#maxTasksPerWorker !== undefined && w.dispatched >= this.#maxTasksPerWorker)
      w.retiring = true;
  }

  /** Moves queued tasks into workers' rings while they have room. */
  #pump(): void {
    for (let task = this._queue.peek(); task; task = this._queue.peek()) {
      const w = this.#workerWithRoom(task);
      if (!w?.dispatch(task, this.#encode(task) ? undefined : this.#writer)) break;
      this._queue.shift();
      this.#dispatched(task);
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
      if (this._inflight <= this._workers.length) this.#spinUntil(() => this._inflight === 0);
      this.#arm();
    });
  }

  #flushAll(): void {
    for (const w of this._workers) w.flush();
  }

  // --- results -------------------------------------------------------------------------

  /** Reads every published result; returns how many tasks settled. */
  #drain(): number {
    let n = 0;
    for (let i = 0; i < this._workers.length; i++) {
      const w = this._workers[i]!;
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
      if (task && !task.done()) this._fail(task, err);
      if (task) task.stoppedAt ??= now;
      return;
    }
    const task = w.release(slot);
    if (!task) return;
    this._released(task);
    if (status === R_SKIPPED) return;
    w.avgRunMs = w.avgRunMs === undefined ? runMs : w.avgRunMs * 0.9 + runMs * 0.1;
    this.#avgRunMs = this.#avgRunMs === undefined ? runMs : this.#avgRunMs * 0.9 + runMs * 0.1;
    this._counters.ran(task.submitted, runMs, now);
    let value: unknown;
    if (statusByte & 0x80) value = w.receive()?.value;
    else {
      reader.pos = off + 9;
      reader.sawSpecial = false;
      value = reader.read(readHooks);
      if (!reader.sawSpecial && status !== R_ERROR) {
        this._complete(task, value);
        return;
      }
    }
    if (status === R_ERROR) {
      this._fail(task, decodeError(value));
      return;
    }
    void decode(value).then(
      (v) => this._complete(task, v),
      (e) => this._fail(task, e),
    );
  }

  /** Sleeps until a worker publishes results (or wakes at once if some are there). */
  #arm(): void {
    if (this.#armed || this._inflight === 0) return;
    const e = Atomics.load(this.#pool, P_EPOCH);
    Atomics.store(this.#pool, P_WAITING, 1);
    for (const w of this._workers) {
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
    if (this.#spinMs === 0 || this._counters.latencyMs > SPIN_BUDGET_MS * 4) return;
    const until = performance.now() + Math.min(this.#spinMs, SPIN_BUDGET_MS);
    while (!done()) {
      if (this.#drain() === 0 && performance.now() > until) break;
    }
  }

  // --- timeouts, signals, crashes -------------------------------------------------------

  /** @internal */
  protected _checkTimeouts(): void {
    const now = Date.now() - this.#epoch;
    const perf = performance.now();
    for (const w of this._workers) {
      for (const [slot, task] of w.inflight()) {
        const state = Atomics.load(w.channel.slots, 2 * slot);
        if (state !== RUNNING && state !== ABORTING) continue;
        if (
          task.timeout !== undefined &&
          task.stoppedAt === undefined &&
          now - w.channel.slots[2 * slot + 1]! > task.timeout
        ) {
          this._stop(task, new TimeoutError(`the task did not finish within ${task.timeout} ms`));
        }
        if (
          task.stoppedAt !== undefined &&
          perf - task.stoppedAt > this._config.grace &&
          !w.exited
        ) {
          void this.#replace(w, task);
          break;
        }
      }
    }
  }

  /** @internal Fails a running task and asks it to stop (its taskSignal aborts). */
  protected _stop(task: PoolTask, reason: unknown): void {
    task.stoppedAt = performance.now();
    this._fail(task, reason);
    const w = task.worker;
    if (w && Atomics.compareExchange(w.channel.slots, 2 * task.slot, RUNNING, ABORTING) === RUNNING)
      w.poke();
    this._watch.watch(task);
  }

  /** A worker that ignored a stop request for the grace period: replace it. */
  async #replace(w: PoolWorker, culprit: PoolTask): Promise<void> {
    this.#handleLostWorker(w, ignoredStopError(culprit, this._config.grace), culprit);
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
    if (this._config.brokenOnCrash) {
      this.#breakPool(
        new BrokenThreadPool('A worker of the pool died; the thread pool is not usable anymore', {
          cause,
        }),
      );
      return;
    }
    const i = this._workers.indexOf(w);
    if (i >= 0) this._workers.splice(i, 1);
    const requeue: PoolTask[] = [];
    for (const [slot, task] of [...w.inflight()]) {
      const state = Atomics.load(w.channel.slots, 2 * slot);
      w.release(slot);
      this._inflight--;
      this._watch.unwatch(task);
      if (state === QUEUED) {
        task.worker = undefined;
        requeue.push(task);
      } else if (state !== CANCELLED && task !== culprit && !task.done()) {
        this._fail(task, crashedError('worker', cause));
      }
    }
    if (requeue.length) {
      this._queue.requeue(requeue);
      for (const t of requeue) if (t.timeout !== undefined) this._watch.watch(t);
    }
    if (this._inflight === 0 && requeue.length === 0) this.#disarm();
    this.#pump();
    this.#flushAll();
    this.#arm();
  }

  #breakPool(err: BrokenThreadPool): void {
    if (this._broken) return;
    this._broken = err;
    this.#disarm();
    for (const w of this._workers) {
      for (const [, task] of w.inflight()) this._fail(task, err);
      w.clear();
      void w.terminate();
    }
    this._workers.length = 0;
    for (const task of this._queue.clear()) this._fail(task, err);
    this._inflight = 0;
  }

  /** @internal */
  protected _retire(w: PoolWorker): void {
    void this.#retire(w);
  }

  async #retire(w: PoolWorker): Promise<void> {
    const i = this._workers.indexOf(w);
    if (i >= 0) this._workers.splice(i, 1);
    await w.terminate();
    this.#pump();
    this.#flushAll();
  }

  // --- shutdown and statistics ---------------------------------------------------------

  /** @internal */
  protected *_inflightTasks(): Iterable<PoolTask> {
    for (const w of this._workers) for (const [, t] of w.inflight()) yield t;
  }

  /** @internal */
  protected async _close(): Promise<void> {
    await this._drained();
    this._stopTimers();
    this.#disarm();
    const workers = this._workers.splice(0);
    await Promise.all(
      workers.map((w) =>
        Promise.race([w.terminate(), new Promise((r) => setTimeout(r, 5000).unref())]),
      ),
    );
  }

  override toString(): string {
    const s = this.stats();
    return `<ThreadPoolExecutor ${this.#prefix} workers=${s.workers}/${this._config.maxWorkers} inflight=${s.inflight} queued=${s.queued}${this._shutdown ? ' shutdown' : ''}>`;
  }
}
