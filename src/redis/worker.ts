/**
 * The worker side of `weft/redis`: `serve()` (and `weft worker`) takes jobs from a BullMQ
 * queue and runs their tasks on a local `ThreadPoolExecutor`.
 */
import { availableParallelism, hostname } from 'node:os';
import type { Worker } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import {
  checkInt,
  checkNumber,
  checkOptions,
  checkString,
  typeError,
} from '../_internal/validate.js';
import { ThreadPoolExecutor } from '../futures/thread_pool.js';
import { bullmq, Redis } from './bullmq.js';
import { checkQueueTarget, describeConnection } from './connection.js';
import { JobRunner } from './job_runner.js';
import { abortChannel } from './protocol.js';
import { TaskRegistry } from './registry.js';
import { SERVE_OPTIONS, type ServeOptions } from './serve_options.js';

function noop(): void {}

/**
 * A running weft worker (see {@link serve}): `close()` stops it gracefully.
 *
 * @example
 * ```ts
 * import { serve } from 'weft/redis';
 * await using worker = await serve({ connection: 'redis://127.0.0.1:6379', tasks: './dist/tasks.js' });
 * console.log(worker.name, 'serves', worker.tasks.join(', '));
 * await worker.closed; // until someone calls worker.close()
 * ```
 */
export class RedisWorker implements AsyncDisposable {
  readonly #worker: Worker;
  readonly #subscriber: RedisClient;
  readonly #pool: ThreadPoolExecutor;
  readonly #runner: JobRunner;
  readonly #grace: number;
  readonly #log: (line: string) => void;
  #closing: Promise<void> | undefined;
  #resolveClosed!: () => void;
  /** Settles once the worker has stopped. */
  readonly closed: Promise<void> = new Promise((resolve) => {
    this.#resolveClosed = resolve;
  });

  /** @internal Use {@link serve}. */
  constructor(
    readonly name: string,
    /** The task names served. */
    readonly tasks: readonly string[],
    parts: {
      worker: Worker;
      subscriber: RedisClient;
      pool: ThreadPoolExecutor;
      runner: JobRunner;
      grace: number;
      log: (line: string) => void;
    },
  ) {
    this.#worker = parts.worker;
    this.#subscriber = parts.subscriber;
    this.#pool = parts.pool;
    this.#runner = parts.runner;
    this.#grace = parts.grace;
    this.#log = parts.log;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#runner.size;
  }

  /**
   * Stops taking jobs, lets the running ones finish for up to `grace` ms, hands back those
   * still running (they go back to the queue for another worker), and closes its connections
   * and threads. Idempotent.
   */
  close(options?: { grace?: number | undefined }): Promise<void> {
    const o = checkOptions(options, 'options', ['grace']);
    const grace = o.grace === undefined ? this.#grace : checkNumber(o.grace, 'grace', 0);
    this.#closing ??= this.#stop(grace);
    return this.#closing;
  }

  /** Hands the running jobs back to the queue now (a second Ctrl-C). */
  handBack(): void {
    if (this.#runner.size)
      this.#log(`handing ${this.#runner.size} running job(s) back to the queue`);
    this.#runner.handBack();
  }

  async #stop(grace: number): Promise<void> {
    const running = this.#runner.size;
    this.#log(
      running
        ? `stopping: ${running} running job(s) may finish within ${grace} ms, then go back to the queue`
        : 'stopping',
    );
    const timer = setTimeout(() => this.handBack(), grace);
    try {
      await this.#worker.close();
    } finally {
      clearTimeout(timer);
      await this.#pool.shutdown({ wait: true, cancelFutures: true });
      await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
      this.#log('stopped');
      this.#resolveClosed();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Serves a queue: imports the task modules, then takes jobs and runs their tasks on a local
 * thread pool (`threads` threads, `concurrency` jobs at once), until `close()`. Resolves once
 * connected to Redis and serving. What `weft worker` runs.
 *
 * A job's lock is renewed while it runs; if this process dies, another worker takes the job
 * back after `lockDuration` (checked every `stalledInterval`) and runs it again. A job names
 * its task: a name none of the modules exports fails the job with a `RemoteError` saying
 * what this worker serves.
 *
 * @example
 * ```ts
 * import { serve } from 'weft/redis';
 * const worker = await serve({
 *   connection: process.env.REDIS_URL,
 *   tasks: './dist/tasks.js',
 *   concurrency: 8,
 *   log: (line) => console.error(line),
 * });
 * process.once('SIGTERM', () => void worker.close());
 * ```
 */
export async function serve(options: ServeOptions): Promise<RedisWorker> {
  const o = checkOptions(options, 'options', Object.keys(SERVE_OPTIONS));
  if (o.tasks === undefined)
    typeError('tasks', 'a module path or URL (or a list of them)', undefined);
  const specs = typeof o.tasks === 'string' ? [o.tasks] : o.tasks;
  if (!Array.isArray(specs))
    typeError('tasks', 'a module path or URL (or a list of them)', o.tasks);
  for (const [i, s] of specs.entries()) checkString(s, `tasks[${i}]`);
  const { redis, queue, prefix } = checkQueueTarget(o);
  const threads =
    o.threads === undefined ? availableParallelism() : checkInt(o.threads, 'threads', 1, 1024);
  const concurrency =
    o.concurrency === undefined ? threads : checkInt(o.concurrency, 'concurrency', 1, 100_000);
  const lockDuration =
    o.lockDuration === undefined ? 5000 : checkInt(o.lockDuration, 'lockDuration', 100);
  const stalledInterval =
    o.stalledInterval === undefined ? 2500 : checkInt(o.stalledInterval, 'stalledInterval', 50);
  const maxStalledCount =
    o.maxStalledCount === undefined ? 1 : checkInt(o.maxStalledCount, 'maxStalledCount', 0);
  const grace = o.grace === undefined ? 30_000 : checkNumber(o.grace, 'grace', 0);
  const name = o.name === undefined ? `${hostname()}:${process.pid}` : checkString(o.name, 'name');
  if (o.log !== undefined && typeof o.log !== 'function') typeError('log', 'a function', o.log);
  const log = o.log ?? noop;

  const registry = await TaskRegistry.load(specs);
  const pool = new ThreadPoolExecutor({
    maxWorkers: threads,
    // Tasks that await run side by side in a thread, up to the jobs this worker takes.
    concurrency: Math.min(64, Math.max(1, Math.ceil(concurrency / threads))),
    idleTimeout: Number.POSITIVE_INFINITY,
    threadNamePrefix: `weft-worker-${process.pid}`,
  });
  const unknown = new Set<string>();
  const runner = new JobRunner(pool, registry, (err) => {
    const line = (err as Error)?.message ?? String(err);
    if (!unknown.has(line)) {
      unknown.add(line);
      log(`a job failed before its task ran: ${line}`);
    }
  });
  const where = describeConnection(redis);
  const errors = throttledLog(log);

  const subscriber = new Redis({
    ...redis,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
  subscriber.on('error', (err) => errors(`abort channel: ${err.message}`));
  subscriber.on('message', (_channel, message) => {
    try {
      const [jobId, index] = JSON.parse(message) as [string, number];
      runner.abort(String(jobId), Number(index));
    } catch {}
  });

  log(`connecting to ${where}, queue '${queue}' (prefix '${prefix}')`);
  const worker = new bullmq.Worker(queue, runner.process, {
    connection: redis,
    prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    name,
    autorun: false,
  });
  worker.on('error', (err) => errors(err.message));
  worker.on('stalled', (jobId) =>
    log(`job ${jobId} was taken back from a worker that stopped; it is queued again`),
  );
  try {
    await Promise.all([worker.waitUntilReady(), subscriber.subscribe(abortChannel(prefix, queue))]);
  } catch (err) {
    await Promise.allSettled([worker.close(true), pool.shutdown(), subscriber.quit()]);
    throw err;
  }
  worker.run().catch((err) => errors(`stopped taking jobs: ${err?.message ?? err}`));
  const served = registry.names();
  log(
    `${name} serves queue '${queue}' at ${where}: ${concurrency} job(s) at once on ${threads} thread(s); tasks: ${served.join(', ')}`,
  );
  return new RedisWorker(name, served, { worker, subscriber, pool, runner, grace, log });
}

/** Logs an error, the same message at most once every 5 s (a Redis that is down repeats itself). */
function throttledLog(log: (line: string) => void): (line: string) => void {
  const last = new Map<string, number>();
  return (line) => {
    const now = Date.now();
    if (now - (last.get(line) ?? 0) < 5000) return;
    last.set(line, now);
    log(`error: ${line}`);
  };
}
