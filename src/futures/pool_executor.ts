/**
 * `PoolExecutor`: what `ThreadPoolExecutor` and `ProcessPoolExecutor` do the same way above
 * their transports — the checks of a submitted task, the task record, the functions told to
 * workers, settling futures with the counters, signals, idle workers, `shutdown` and
 * `stats`. Each pool adds how a task reaches a worker and how its result comes back.
 */
import {
  checkFunction,
  checkOptions,
  checkSignal,
  checkTimeout,
  typeError,
} from '../_internal/validate.js';
import { RuntimeError } from '../errors.js';
import { type TaskRef, toTaskRef } from '../runtime/task_ref.js';
import {
  checkShutdownOptions,
  Executor,
  type RunOptions,
  type ShutdownOptions,
  type TaskFn,
} from './executor.js';
import type { Future, FutureOwner } from './future.js';
import { F_CHUNK, F_SINGLE } from './pool_channel.js';
import { type PoolConfig, type ScheduledWorker, TaskQueue, TaskWatch } from './pool_core.js';
import { PoolTask } from './pool_task.js';
import { PoolCounters, type PoolStats } from './stats.js';

/** What the shared part needs of a worker. */
export interface PoolWorkerLike extends ScheduledWorker {
  idleSince: number;
}

/** @internal The base of weft's pools; not exported from `weft/futures`. */
export abstract class PoolExecutor<W extends PoolWorkerLike>
  extends Executor
  implements FutureOwner
{
  /** @internal */
  protected readonly _config: PoolConfig;
  /** @internal Live workers. */
  protected readonly _workers: W[] = [];
  /** @internal Tasks no worker has taken yet. */
  protected readonly _queue = new TaskQueue<PoolTask<any, W>>();
  /** @internal */
  protected readonly _counters = new PoolCounters();
  /** @internal */
  protected readonly _watch = new TaskWatch(() => this._checkTimeouts());
  /** @internal Tasks given to workers and not settled. */
  protected _inflight = 0;
  /** @internal */
  protected _shutdown = false;
  /** @internal Set by the first `shutdown()`. */
  protected _closing: Promise<void> | undefined;
  /** @internal Set when the pool broke: `submit` throws it. */
  protected _broken: Error | undefined;
  readonly #fnIds = new Map<Function, { id: number; ref: TaskRef }>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(config: PoolConfig) {
    super();
    this._config = config;
  }

  /** The most workers this pool runs. */
  get maxWorkers(): number {
    return this._config.maxWorkers;
  }

  run<F extends TaskFn>(
    fn: F,
    args: Parameters<F>,
    options?: RunOptions,
  ): Future<Awaited<ReturnType<F>>> {
    return this._submit(this._task(fn, args, options, 0));
  }

  /** @internal A map chunk travels as one task; the worker applies `fn` to each item. */
  override _runChunk(
    fn: TaskFn,
    items: unknown[],
    single: boolean,
    options: RunOptions,
  ): Future<unknown[]> {
    return this._submit(this._task(fn, items, options, F_CHUNK | (single ? F_SINGLE : 0)));
  }

  /**
   * @internal Schedules a checked task (its arguments not yet checked for crossing); returns
   * it, or throws if its arguments cannot cross.
   */
  protected abstract _submit(task: PoolTask<any, W>): PoolTask<any, W>;

  /** @internal The task for `fn(...args)`, after the checks every submission makes. */
  protected _task(
    fn: TaskFn,
    args: unknown[],
    options: RunOptions | undefined,
    chunk: number,
  ): PoolTask<any, W> {
    if (this._broken) throw this._broken;
    if (this._shutdown) throw new RuntimeError('cannot schedule new futures after shutdown');
    checkFunction(fn, 'fn');
    if (!Array.isArray(args)) typeError('args', 'an array', args);
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      const o = checkOptions(options, 'options', ['timeout', 'signal']);
      timeout = checkTimeout(o.timeout);
      signal = checkSignal(o.signal);
    }
    let def = this.#fnIds.get(fn);
    if (!def) {
      def = { id: this.#fnIds.size + 1, ref: toTaskRef(fn, 'fn') };
      this.#fnIds.set(fn, def);
    }
    return new PoolTask(def.id, def.ref, args, timeout, signal, chunk);
  }

  /** @internal Starts listening to the task's signal (it has not aborted yet). */
  protected _listen(task: PoolTask<any, W>): void {
    const signal = task.signal;
    if (!signal) return;
    task.onAbort = () => this._abort(task, signal.reason);
    signal.addEventListener('abort', task.onAbort, { once: true });
  }

  /** @internal The task has left its worker: stop watching it and listening to its signal. */
  protected _released(task: PoolTask<any, W>): void {
    this._inflight--;
    this._watch.unwatch(task);
    if (task.onAbort) task.signal!.removeEventListener('abort', task.onAbort);
  }

  /** @internal True if every argument is a primitive (nothing to check for crossing). */
  protected static _primitive(args: unknown[]): boolean {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const t = typeof a;
      if (a !== null && t !== 'number' && t !== 'string' && t !== 'boolean' && t !== 'undefined')
        return false;
    }
    return true;
  }

  /** @internal */
  protected _complete(task: PoolTask<any, W>, value: unknown): void {
    this._counters.completed++;
    if (!task.done()) task.setResult(value);
  }

  /** @internal */
  protected _fail(task: PoolTask<any, W>, err: unknown): void {
    this._counters.failed++;
    if (!task.done()) task.setException(err);
  }

  /** @internal The task's signal aborted: withdraw it if it has not started, else stop it; it fails with the signal's reason. */
  protected _abort(task: PoolTask<any, W>, reason: unknown): void {
    if (task.done()) return;
    if (this._withdraw(task)) this._fail(task, reason);
    else this._stop(task, reason);
  }

  /** @internal Fails a task its worker has and asks the worker to stop it. */
  protected abstract _stop(task: PoolTask<any, W>, reason: unknown): void;

  /** @internal The watchdog's tick: timeouts and grace periods. */
  protected abstract _checkTimeouts(): void;

  /** @internal Lets a worker go (it exits once its tasks are done). */
  protected abstract _retire(w: W): void;

  /** @internal The tasks workers have, for shutdown. */
  protected abstract _inflightTasks(): Iterable<PoolTask<any, W>>;

  /** @internal Waits for the submitted tasks, then stops the workers. */
  protected abstract _close(): Promise<void>;

  abstract _withdraw(handle: unknown): boolean;
  abstract _onAwait(future: Future<any>): void;

  /** @internal Retires workers idle for longer than `idleTimeout`. */
  protected _ensureSweeper(): void {
    const idle = this._config.idleTimeout;
    if (this.#sweeper || !Number.isFinite(idle)) return;
    this.#sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const w of [...this._workers])
          if (w.inflightCount === 0 && now - w.idleSince > idle && !w.exited) this._retire(w);
      },
      Math.max(50, idle / 2),
    );
    this.#sweeper.unref();
  }

  /** @internal Stops the timers (at the end of a shutdown). */
  protected _stopTimers(): void {
    clearInterval(this.#sweeper);
    this._watch.stop();
  }

  async shutdown(options?: ShutdownOptions): Promise<void> {
    const { wait, cancelFutures: cancel } = checkShutdownOptions(options);
    this._shutdown = true;
    if (cancel) {
      for (const task of this._queue) task.cancel();
      for (const task of this._inflightTasks()) task.cancel();
    }
    this._closing ??= this._close();
    if (wait) await this._closing;
  }

  /** @internal Resolves once every submitted task has settled and none is in flight. */
  protected async _drained(): Promise<void> {
    const outstanding: Future<any>[] = [...this._queue, ...this._inflightTasks()];
    await Promise.all(outstanding.map((f) => f.then(noop, noop)));
    while (this._inflight > 0 && !this._broken) await new Promise((r) => setTimeout(r, 5));
  }

  /** @internal True once a shutdown has nothing left to run. */
  protected _shutdownDone(): boolean {
    return this._closing !== undefined && this._inflight === 0 && this._queue.size === 0;
  }

  /** Counts and time percentiles of the pool's tasks. */
  stats(): PoolStats {
    let busy = 0;
    for (const w of this._workers) if (w.inflightCount > 0) busy++;
    return this._counters.stats(
      this._workers.length,
      busy,
      this._queue.size,
      this._inflight,
      this._config.maxWorkers,
    );
  }
}

function noop(): void {}
