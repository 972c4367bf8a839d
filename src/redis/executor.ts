/**
 * `RedisExecutor`: weft's `Executor` on Redis through BullMQ. Tasks become jobs in a BullMQ
 * queue; `weft worker` processes on any number of machines run them and send the results
 * back; the futures are the same as a thread pool's.
 */
import { randomBytes } from 'node:crypto';
import type { RedisOptions } from 'bullmq';
import {
  checkFunction,
  checkInt,
  checkNumber,
  checkOptions,
  checkWaitOptions,
  typeError,
  valueError,
} from '../_internal/validate.js';
import { ArgumentTypeError, type BrokenExecutorError, RuntimeError } from '../errors.js';
import {
  checkShutdownOptions,
  Executor,
  type RunOptions,
  type ShutdownOptions,
  type TaskFn,
} from '../futures/executor.js';
import type { Future, FutureOwner } from '../futures/future.js';
import { type TaskRef, toTaskRef } from '../runtime/task_ref.js';
import { Batcher } from './batching.js';
import { checkQueueTarget, describeConnection, type RedisConnection } from './connection.js';
import { CALL, type CallKind, CHUNK_ARGS, CHUNK_ITEMS, taskEntry } from './protocol.js';
import { Session, type SessionOptions } from './session.js';
import { RedisTask, SentJob } from './task.js';

/**
 * How long failed attempts wait before the next (BullMQ's `backoff`).
 *
 * @example
 * ```ts
 * import { RedisExecutor } from 'weft/redis';
 * // 3 runs in all; the retries wait 1 s, then 2 s (plus up to 10% at random)
 * new RedisExecutor({ attempts: 3, backoff: { type: 'exponential', delay: 1000, jitter: 0.1 } });
 * ```
 */
export interface BackoffOptions {
  /** `fixed`: `delay` ms each time; `exponential`: `delay × 2^(attempt - 1)` ms. */
  type: 'fixed' | 'exponential';
  /** Milliseconds. */
  delay: number;
  /** 0–1: the share of each delay drawn at random (default 0). */
  jitter?: number | undefined;
}

/**
 * How many finished jobs Redis keeps (BullMQ's `removeOnComplete` / `removeOnFail`): `true`
 * none, `false` all, a count, or `{ age, count }` (age in seconds). A job Redis no longer has
 * cannot be read back if its result event was missed, so keep jobs longer than results take.
 *
 * @example
 * ```ts
 * import { RedisExecutor } from 'weft/redis';
 * new RedisExecutor({ removeOnComplete: { age: 600, count: 50_000 }, removeOnFail: { age: 7 * 86_400 } });
 * ```
 */
export type KeepJobs = boolean | number | { age?: number | undefined; count?: number | undefined };

/**
 * Options of a {@link RedisExecutor}. Workers must serve the same `queue` and `prefix` on the
 * same Redis.
 *
 * @example
 * ```ts
 * import { RedisExecutor } from 'weft/redis';
 * await using ex = new RedisExecutor({
 *   connection: process.env.REDIS_URL,   // redis://host:6379/0
 *   queue: 'images',
 *   attempts: 3,
 *   backoff: 500,
 *   connectionTimeout: 60_000,
 * });
 * ```
 */
export interface RedisExecutorOptions {
  /** Where Redis is: a URL (`redis://host:6379/0`) or ioredis options (default `redis://127.0.0.1:6379`). */
  connection?: RedisConnection | undefined;
  /** The BullMQ queue (default `weft`); workers must serve the same one. */
  queue?: string | undefined;
  /** BullMQ's key prefix (default `bull`); workers must use the same one. */
  prefix?: string | undefined;
  /** Runs a failing task gets in all (default 1: no retry). Each retry may go to another worker. */
  attempts?: number | undefined;
  /** The wait before a retry: milliseconds (fixed), or {@link BackoffOptions} (default 0). */
  backoff?: number | BackoffOptions | undefined;
  /**
   * Most tasks one job carries (default 256; 1 sends a job per task). Tasks submitted in the
   * same tick share jobs when workers have reported them quick (see `docs/redis.md`).
   */
  maxBatch?: number | undefined;
  /** Finished jobs Redis keeps: `true` none, a count, or `{ age (s), count }` (default `{ age: 3600 }`). */
  removeOnComplete?: KeepJobs | undefined;
  /** Failed jobs Redis keeps, like `removeOnComplete` (default `{ age: 86400 }`). */
  removeOnFail?: KeepJobs | undefined;
  /** Events the queue's stream keeps (default 100 000; BullMQ's default is 10 000). */
  eventsMaxLen?: number | undefined;
  /** A job whose result has not come after this many ms is read from Redis directly, and again as often (default 5000). */
  pollInterval?: number | undefined;
  /** How long (ms) Redis may be unreachable before pending tasks fail with `BrokenExecutorError` (default 30 000). */
  connectionTimeout?: number | undefined;
  /** Connections close after this many ms without tasks, and reopen for the next (default 10 000). */
  idleTimeout?: number | undefined;
}

const OPTIONS = [
  'connection',
  'queue',
  'prefix',
  'attempts',
  'backoff',
  'maxBatch',
  'removeOnComplete',
  'removeOnFail',
  'eventsMaxLen',
  'pollInterval',
  'connectionTimeout',
  'idleTimeout',
];

function checkBackoff(value: unknown): { type: string; delay: number; jitter?: number } {
  if (value === undefined) return { type: 'fixed', delay: 0 };
  if (typeof value === 'number') return { type: 'fixed', delay: checkNumber(value, 'backoff', 0) };
  const o = checkOptions(value as BackoffOptions, 'backoff', ['type', 'delay', 'jitter']);
  if (o.type !== 'fixed' && o.type !== 'exponential')
    valueError('backoff.type', "'fixed' or 'exponential'", o.type);
  const out: { type: string; delay: number; jitter?: number } = {
    type: o.type,
    delay: checkNumber(o.delay, 'backoff.delay', 0),
  };
  if (o.jitter !== undefined) out.jitter = checkNumber(o.jitter, 'backoff.jitter', 0, 1);
  return out;
}

function checkKeep(value: unknown, name: string, fallback: KeepJobs): KeepJobs {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return checkInt(value, name, 0);
  const o = checkOptions(value as { age?: number; count?: number }, name, ['age', 'count']);
  const out: { age?: number; count?: number } = {};
  if (o.age !== undefined) out.age = checkNumber(o.age, `${name}.age`, 0);
  if (o.count !== undefined) out.count = checkInt(o.count, `${name}.count`, 0);
  if (out.age === undefined && out.count === undefined)
    typeError(name, 'true, false, a count or { age, count }', value);
  return out;
}

function noop(): void {}

/** Tasks of a function never seen that go first, a job each, to learn what it costs. */
const PROBES = 4;
/** How long (ms) the next tasks of such a function wait for those reports, at most. */
const PROBE_WAIT_MS = 100;

/**
 * An {@link Executor} whose tasks run on other machines: each task becomes a job in a BullMQ
 * queue on Redis, `weft worker` processes take the jobs and run them on their cores, and the
 * results come back to the same {@link Future}s a `ThreadPoolExecutor` gives — so code
 * written for a pool moves to many machines unchanged.
 *
 * Tasks cross **by name**: the function must be exported from a module, and the workers serve
 * a module that exports a function of that name (`weft worker --tasks ./tasks.js`). Arguments
 * and results are structured values (JSON plus `undefined`, bigints, `Map`, `Set`, `Date`,
 * binary data and errors); what cannot cross is refused at `submit`, naming its path. Errors
 * come back as their own class with the worker's stack and `cause`.
 *
 * Delivery is BullMQ's: at least once. A worker that dies mid-task has its job taken back
 * after the lock expires and run by another worker; `attempts` and `backoff` retry failing
 * tasks. `{ timeout }` counts from when the task starts on a worker; `cancel()` and a
 * `signal` remove a job no worker has taken (once one has, `cancel()` returns false, as in
 * Python, and a `signal` aborts the task's `taskSignal()` there).
 *
 * @example
 * ```ts
 * // tasks.ts — the workers serve it: `weft worker --redis redis://10.0.0.5 --tasks ./dist/tasks.js`
 * export function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
 *
 * // main.ts
 * import { RedisExecutor } from 'weft/redis';
 * import { fib } from './tasks.js';
 *
 * await using ex = new RedisExecutor({ connection: 'redis://10.0.0.5:6379' });
 * console.log(await ex.submit(fib, 30));                        // 832040, computed by a worker
 * console.log(await ex.map(fib, [25, 26, 27], { chunksize: 1 })); // in input order
 * ```
 */
export class RedisExecutor extends Executor implements FutureOwner {
  readonly #redis: RedisOptions;
  readonly #session: SessionOptions;
  readonly #attempts: number;
  readonly #idleTimeout: number;
  readonly #batcher: Batcher;
  readonly #idPrefix = `w${randomBytes(6).toString('base64url')}-`;
  #seq = 0;
  /** Task names by function, being checked (see {@link exportName}). */
  readonly #names = new Map<Function, Promise<string>>();
  /** Task names by function, checked. */
  readonly #checked = new Map<Function, string>();
  /** Submitted in this tick, not yet handed to the sending chain. */
  #pending: RedisTask[] = [];
  #flushScheduled = false;
  /** Batches between the flush and their `addBulk`. */
  readonly #unsent = new Set<RedisTask[]>();
  /** By task name: functions whose first tasks are out to learn their cost, and their tasks held meanwhile. */
  readonly #probing = new Map<
    string,
    { held: RedisTask[]; probes: number; timer: NodeJS.Timeout }
  >();
  /** Sent jobs with tasks not settled, by job id. */
  readonly #jobs = new Map<string, SentJob>();
  #sending: Promise<void> = Promise.resolve();
  #opening: Promise<Session> | undefined;
  #current: Session | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #shutdown = false;
  #closing: Promise<void> | undefined;

  constructor(options?: RedisExecutorOptions) {
    super();
    const o = checkOptions(options, 'options', OPTIONS);
    const { redis, queue, prefix } = checkQueueTarget(o);
    this.#redis = redis;
    this.#attempts = o.attempts === undefined ? 1 : checkInt(o.attempts, 'attempts', 1);
    const maxBatch = o.maxBatch === undefined ? 256 : checkInt(o.maxBatch, 'maxBatch', 1, 10_000);
    // A job of several tasks completes with each one's outcome, so BullMQ cannot retry one
    // of them: with retries, every task is a job of its own.
    this.#batcher = new Batcher(this.#attempts > 1 ? 1 : maxBatch);
    this.#idleTimeout =
      o.idleTimeout === undefined ? 10_000 : checkNumber(o.idleTimeout, 'idleTimeout', 0);
    this.#session = {
      redis,
      queue,
      prefix,
      jobOptions: {
        attempts: this.#attempts,
        backoff: checkBackoff(o.backoff),
        removeOnComplete: checkKeep(o.removeOnComplete, 'removeOnComplete', { age: 3600 }),
        removeOnFail: checkKeep(o.removeOnFail, 'removeOnFail', { age: 86_400 }),
      },
      eventsMaxLen:
        o.eventsMaxLen === undefined ? 100_000 : checkInt(o.eventsMaxLen, 'eventsMaxLen', 1000),
      pollInterval:
        o.pollInterval === undefined ? 5000 : checkNumber(o.pollInterval, 'pollInterval', 10),
      connectionTimeout:
        o.connectionTimeout === undefined
          ? 30_000
          : checkNumber(o.connectionTimeout, 'connectionTimeout', 1),
    };
  }

  /** The BullMQ queue's name. */
  get queue(): string {
    return this.#session.queue;
  }

  run<F extends TaskFn>(
    fn: F,
    args: Parameters<F>,
    options?: RunOptions,
  ): Future<Awaited<ReturnType<F>>> {
    return this.#submit(fn, args, options, CALL);
  }

  /** @internal A map chunk travels as one task; the worker applies `fn` to each item. */
  override _runChunk(
    fn: TaskFn,
    items: unknown[],
    single: boolean,
    options: RunOptions,
  ): Future<unknown[]> {
    return this.#submit(fn, items, options, single ? CHUNK_ITEMS : CHUNK_ARGS) as Future<unknown[]>;
  }

  #submit(fn: TaskFn, args: unknown[], options: RunOptions | undefined, call: CallKind): RedisTask {
    if (this.#shutdown) throw new RuntimeError('cannot schedule new futures after shutdown');
    const ref = this.#describe(fn);
    if (!Array.isArray(args)) typeError('args', 'an array', args);
    const { timeout, signal } = checkWaitOptions(options);
    const name = ref.exportName ?? ref.name;
    const task = new RedisTask(name, fn, taskEntry(name, args, timeout, call), signal);
    task._owner = this;
    if (signal) {
      if (signal.aborted) {
        task.setException(signal.reason);
        return task;
      }
      const onAbort = () => this.#abort(task, signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      task.addDoneCallback(() => signal.removeEventListener('abort', onAbort));
    }
    const session = this.#current;
    const checked = this.#checked.get(fn);
    if (session && checked !== undefined && this.#idle()) {
      // Nothing else is under way: send at once rather than after this tick's other work
      // (what comes later in the tick is batched as usual).
      task.entry[0] = task.taskName = checked;
      clearTimeout(this.#idleTimer);
      this.#sendJobs(session, [task]);
      return task;
    }
    this.#pending.push(task);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flush);
    }
    return task;
  }

  /**
   * What crosses for `fn`: it must be a named function at the top level of a module (sent by
   * its export name). Whether the module really exports it is checked before the first send.
   */
  #describe(fn: TaskFn): TaskRef {
    checkFunction(fn, 'fn');
    const ref = toTaskRef(fn, 'fn');
    if (!ref.url)
      throw new ArgumentTypeError(
        `fn (${ref.name}) is not a function at the top level of a module. A RedisExecutor sends a task ` +
          'by its name, and a worker finds it among the exports of the modules it serves (weft worker --tasks): ' +
          'export the function from a module, or register it with registerTask',
      );
    if (!this.#names.has(fn)) {
      const name = exportName(fn, ref);
      name.catch(noop);
      this.#names.set(fn, name);
    }
    return ref;
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const tasks = this.#pending;
    this.#pending = [];
    this.#enqueue(tasks, true);
  };

  /** Hands tasks to the sending chain (sends stay in order). */
  #enqueue(tasks: RedisTask[], probe: boolean): void {
    this.#unsent.add(tasks);
    this.#sending = this.#sending
      .then(() => this.#send(tasks, probe))
      .finally(() => {
        this.#unsent.delete(tasks);
        this.#idleCheck();
      });
  }

  async #send(tasks: RedisTask[], probe: boolean): Promise<void> {
    for (const fn of new Set(tasks.map((t) => t.fn))) {
      try {
        const name = await this.#names.get(fn)!;
        this.#checked.set(fn, name);
        for (const t of tasks) if (t.fn === fn) t.entry[0] = t.taskName = name;
      } catch (err) {
        for (const t of tasks) if (t.fn === fn) t.fail(err);
      }
    }
    if (!tasks.some((t) => !t.done())) return;
    let session: Session;
    try {
      session = await this.#connect();
    } catch (err) {
      for (const t of tasks) t.fail(err);
      return;
    }
    this.#sendJobs(
      session,
      tasks.filter((t) => !t.done()),
      probe,
    );
  }

  /**
   * Packs tasks into jobs and adds them. With `probe`, of a function whose cost is not known
   * yet only the first {@link PROBES} tasks go now, a job each; the function's next tasks wait
   * until those report what they took (or {@link PROBE_WAIT_MS}), then go packed — so a first
   * burst of quick tasks is not a job per task.
   */
  #sendJobs(session: Session, tasks: RedisTask[], probe = true): void {
    let now = tasks;
    if (probe && this.#batcher.maxBatch > 1) {
      now = [];
      for (const task of tasks) {
        const name = task.taskName;
        let probing = this.#probing.get(name);
        if (!probing && this.#batcher.cost(name) === undefined) {
          const timer = setTimeout(() => this.#release(name), PROBE_WAIT_MS);
          this.#probing.set(name, (probing = { held: [], probes: 0, timer }));
        }
        if (!probing) now.push(task);
        else if (probing.probes < PROBES && !probing.held.length) {
          probing.probes++;
          now.push(task);
        } else probing.held.push(task);
      }
    }
    const jobs = this.#batcher
      .pack(now)
      .map((group) => new SentJob(`${this.#idPrefix}${++this.#seq}`, group, this.#settled));
    for (const job of jobs) this.#jobs.set(job.id, job);
    session.add(jobs);
  }

  /** The tasks held while `name`'s first task finds out what it costs go now. */
  #release(name: string): void {
    const probing = this.#probing.get(name);
    if (!probing) return;
    this.#probing.delete(name);
    clearTimeout(probing.timer);
    const held = probing.held.filter((t) => !t.done());
    if (held.length) this.#enqueue(held, false);
    else this.#idleCheck();
  }

  /** Nothing submitted is waiting to be sent or for its result. */
  #idle(): boolean {
    if (this.#jobs.size || this.#unsent.size || this.#pending.length) return false;
    for (const probing of this.#probing.values())
      if (probing.held.some((t) => !t.done())) return false;
    return true;
  }

  #connect(): Promise<Session> {
    clearTimeout(this.#idleTimer);
    if (!this.#opening) {
      const opening = Session.open(this.#session, this.#jobs, (err) => this.#lost(opening, err));
      this.#opening = opening;
      opening.then(
        (s) => {
          if (this.#opening === opening) this.#current = s;
        },
        () => {
          if (this.#opening === opening) this.#opening = undefined;
        },
      );
    }
    return this.#opening;
  }

  /** Redis was unreachable for too long: every sent task fails; the next submit reconnects. */
  #lost(opening: Promise<Session>, err: BrokenExecutorError): void {
    if (this.#opening !== opening) return;
    const session = this.#current;
    this.#opening = this.#current = undefined;
    for (const job of [...this.#jobs.values()]) job.fail(err);
    void session?.close();
  }

  readonly #settled = (job: SentJob, ms: number | undefined): void => {
    if (!this.#jobs.delete(job.id)) return;
    const names = job.tasks.map((t) => t.taskName);
    if (ms !== undefined) this.#batcher.learn(names, ms);
    for (const name of new Set(names)) {
      const probing = this.#probing.get(name);
      if (probing && --probing.probes <= 0) this.#release(name);
    }
    this.#idleCheck();
  };

  /** With nothing left to do, the connections close after `idleTimeout`. */
  #idleCheck(): void {
    if (!this.#idle() || !this.#opening) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (!this.#idle()) return;
      const session = this.#current;
      this.#opening = this.#current = undefined;
      void session?.close();
    }, this.#idleTimeout);
    this.#idleTimer.unref();
  }

  // --- FutureOwner -----------------------------------------------------------------------

  /** @internal `cancel()`: a task no worker has taken is dropped, or its job removed or rewritten. */
  _withdraw(handle: unknown): boolean {
    const task = handle as RedisTask;
    const job = task.job;
    if (!job) return true; // not sent yet: the sending chain skips it
    if (job.active) return false;
    const session = this.#current;
    if (job.tasks.some((t) => t !== task && !t.done())) session?.rewrite(job);
    else session?.withdraw(job);
    queueMicrotask(() => job.release());
    return true;
  }

  /** @internal `running()`: a worker holds the task's job. */
  _running(handle: unknown): boolean {
    return (handle as RedisTask).job?.active === true;
  }

  /** @internal */
  _onAwait(): void {}

  /** The task's signal aborted: withdraw it, or fail it and ask its worker to stop it. */
  #abort(task: RedisTask, reason: unknown): void {
    if (task.done()) return;
    if (this._withdraw(task)) {
      task.fail(reason);
      return;
    }
    task.fail(reason);
    const job = task.job!;
    this.#current?.abort(job, task.index);
    job.release();
  }

  // --- shutdown ----------------------------------------------------------------------------

  #outstanding(): RedisTask[] {
    const out = this.#pending.filter((t) => !t.done());
    for (const batch of this.#unsent) for (const t of batch) if (!t.done()) out.push(t);
    for (const { held } of this.#probing.values()) for (const t of held) if (!t.done()) out.push(t);
    for (const job of this.#jobs.values()) for (const t of job.tasks) if (!t.done()) out.push(t);
    return out;
  }

  async shutdown(options?: ShutdownOptions): Promise<void> {
    const { wait, cancelFutures } = checkShutdownOptions(options);
    this.#shutdown = true;
    if (cancelFutures) for (const t of this.#outstanding()) t.cancel();
    this.#closing ??= this.#close();
    if (wait) await this.#closing;
  }

  async #close(): Promise<void> {
    await Promise.allSettled(this.#outstanding());
    await this.#sending;
    for (const name of [...this.#probing.keys()]) this.#release(name);
    clearTimeout(this.#idleTimer);
    const opening = this.#opening;
    this.#opening = this.#current = undefined;
    await opening?.then((s) => s.close(), noop);
  }

  override toString(): string {
    return `<RedisExecutor queue=${this.#session.queue} at ${describeConnection(this.#redis)} pending=${this.#outstanding().length}${this.#shutdown ? ' shutdown' : ''}>`;
  }
}

/**
 * The name `fn` is exported under from its module: the worker looks it up by that name.
 * Rejects with `ArgumentTypeError` if the module does not export it. The module is loaded
 * already (`fn` comes from it), so its namespace comes within a few microtasks — unless it is
 * still evaluating (a top-level `await` in it waits for this very task): then `fn`'s own name
 * is sent unchecked, and a worker that does not know it says so.
 */
async function exportName(fn: Function, ref: TaskRef): Promise<string> {
  if (ref.exportName) return ref.exportName; // registered with registerTask
  const loading = import(ref.url!) as Promise<Record<string, unknown>>;
  loading.catch(noop);
  const ns = await Promise.race([
    loading,
    new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
  ]);
  if (ns === undefined || ns[ref.name] === fn) return ref.name;
  for (const [key, value] of Object.entries(ns)) {
    if (value !== fn) continue;
    if (key !== 'default') return key;
    if (fn.name) return fn.name;
  }
  throw new ArgumentTypeError(
    `fn (${ref.name}) is not exported from ${ref.url}. A RedisExecutor sends a task by its export name, ` +
      'and a worker finds it among the exports of the modules it serves (weft worker --tasks): export it',
  );
}
