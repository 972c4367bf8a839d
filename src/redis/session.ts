/**
 * A `RedisExecutor`'s connections to Redis while it has work: the BullMQ `Queue` it adds jobs
 * with, the one shared `QueueEvents` that brings every result back (routed by job id), and a
 * plain connection for abort messages and for reading jobs directly.
 *
 * No result is missed and no future is left pending:
 * - the `QueueEvents` reads the events stream from the last event that was there before the
 *   first job was added, so an event that comes while it starts is not lost;
 * - a job pending longer than `pollInterval`, and every job after a reconnection, is read from
 *   Redis directly (the events stream is capped, and a Redis that restarted without
 *   persistence has lost its jobs: those fail with `BrokenExecutorError`);
 * - a connection down for longer than `connectionTimeout` fails every pending task.
 */
import type { Queue, QueueEvents, RedisOptions } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { BrokenExecutorError } from '../errors.js';
import { bullmq, Redis } from './bullmq.js';
import { describeConnection } from './connection.js';
import { abortChannel, type JobResult, jobError } from './protocol.js';
import type { SentJob } from './task.js';

/** What a session needs to know. */
export interface SessionOptions {
  redis: RedisOptions;
  queue: string;
  prefix: string;
  /** BullMQ job options every job gets: attempts, backoff, retention. */
  jobOptions: Record<string, unknown>;
  eventsMaxLen: number;
  pollInterval: number;
  connectionTimeout: number;
}

/** Jobs added per `addBulk` call (one MULTI): large enough to batch, small enough not to stall Redis. */
const ADD_CHUNK = 500;
/** Jobs read per direct read (one pipeline). */
const READ_CHUNK = 1000;
const JOB_FIELDS = ['timestamp', 'processedOn', 'finishedOn', 'returnvalue', 'failedReason'];

function noop(): void {}

function bounded<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    }),
  ]);
}

export class Session {
  readonly #options: SessionOptions;
  readonly #jobs: Map<string, SentJob>;
  readonly #onLost: (err: BrokenExecutorError) => void;
  readonly #where: string;
  readonly control: RedisClient;
  readonly queue: Queue;
  #events: QueueEvents | undefined;
  #lastError: Error | undefined;
  #disconnectedAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;
  #closed = false;
  /** Removals and rewrites of jobs in flight (closing waits for them). */
  readonly #chores = new Set<Promise<unknown>>();

  /**
   * Opens the connections and starts listening; rejects with `BrokenExecutorError` if Redis
   * cannot be reached within `connectionTimeout`. `onLost` is called when the connection is
   * down for longer than that later on.
   */
  static async open(
    options: SessionOptions,
    jobs: Map<string, SentJob>,
    onLost: (err: BrokenExecutorError) => void,
  ): Promise<Session> {
    const session = new Session(options, jobs, onLost);
    try {
      const ready = session.#start();
      ready.catch(noop);
      const started = await bounded(
        ready.then(() => true),
        options.connectionTimeout,
      );
      if (!started) throw session.#unreachable('could not connect to');
      return session;
    } catch (err) {
      await session.close();
      throw err instanceof BrokenExecutorError ? err : session.#unreachable('could not use', err);
    }
  }

  private constructor(
    options: SessionOptions,
    jobs: Map<string, SentJob>,
    onLost: (err: BrokenExecutorError) => void,
  ) {
    this.#options = options;
    this.#jobs = jobs;
    this.#onLost = onLost;
    this.#where = describeConnection(options.redis);
    const remember = (err: Error) => {
      this.#lastError = err;
    };
    this.control = new Redis({
      ...options.redis,
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(100 * times, 1000),
    });
    this.control.on('error', remember);
    this.control.on('close', () => (this.#disconnectedAt ??= performance.now()));
    this.control.on('ready', () => this.#reconnected());
    this.queue = new bullmq.Queue(options.queue, {
      connection: options.redis,
      prefix: options.prefix,
      defaultJobOptions: options.jobOptions,
      streams: { events: { maxLen: options.eventsMaxLen } },
    });
    this.queue.on('error', remember);
  }

  #unreachable(what: string, cause: unknown = this.#lastError): BrokenExecutorError {
    const why = (cause as Error | undefined)?.message;
    return new BrokenExecutorError(
      `${what} Redis at ${this.#where} within ${this.#options.connectionTimeout} ms${why ? `: ${why}` : ''}`,
      { cause },
    );
  }

  async #start(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.control.ping()]);
    // The newest event before any of our jobs: reading from there, nothing of ours is missed.
    const last = await this.control.xrevrange(this.queue.keys.events!, '+', '-', 'COUNT', 1);
    if (this.#closed) return;
    const events = new bullmq.QueueEvents(this.#options.queue, {
      connection: this.#options.redis,
      prefix: this.#options.prefix,
      lastEventId: last[0]?.[0] ?? '0-0',
    });
    this.#events = events;
    events.on('error', (err) => (this.#lastError = err));
    this.#route(events);
    await events.waitUntilReady();
    this.#disconnectedAt = undefined;
    this.#timer = setInterval(() => this.#tick(), Math.min(this.#options.pollInterval, 1000));
    this.#timer.unref();
  }

  /** Routes the queue's events to the jobs they concern; other clients' jobs are ignored. */
  #route(events: QueueEvents): void {
    const jobs = this.#jobs;
    const setActive = (active: boolean) => (e: { jobId: string }) => {
      const job = jobs.get(e.jobId);
      if (job) job.active = active;
    };
    events.on('active', setActive(true));
    events.on('waiting', setActive(false));
    events.on('delayed', setActive(false));
    events.on('stalled', setActive(false));
    events.on('progress', (e) => jobs.get(e.jobId)?.progress(e.data as never));
    events.on('completed', (e) =>
      jobs.get(e.jobId)?.complete(e.returnvalue as unknown as JobResult),
    );
    events.on('failed', (e) => jobs.get(e.jobId)?.fail(jobError(e.failedReason, e.jobId)));
    events.on('removed', (e) => jobs.get(e.jobId)?.fail(this.#lost(e.jobId, 'was removed')));
  }

  #lost(jobId: string, what: string): BrokenExecutorError {
    return new BrokenExecutorError(
      `job ${jobId} of queue '${this.#options.queue}' ${what} before its tasks finished ` +
        '(by a client or a cleanup, or by a Redis that restarted without persistence or evicts keys)',
    );
  }

  #reconnected(): void {
    if (this.#disconnectedAt === undefined) return;
    this.#disconnectedAt = undefined;
    void this.sweep(true);
  }

  #tick(): void {
    const down = this.#disconnectedAt;
    if (down !== undefined && performance.now() - down > this.#options.connectionTimeout) {
      this.#onLost(
        new BrokenExecutorError(
          `lost the connection to Redis at ${this.#where} for over ${this.#options.connectionTimeout} ms` +
            (this.#lastError ? `: ${this.#lastError.message}` : ''),
          { cause: this.#lastError },
        ),
      );
      return;
    }
    void this.sweep(false);
  }

  /** Adds the jobs (in chunks of one MULTI each); each job's `added` settles with its chunk. */
  add(jobs: SentJob[]): void {
    for (let i = 0; i < jobs.length; i += ADD_CHUNK) {
      const chunk = jobs.slice(i, i + ADD_CHUNK);
      const only = chunk.length === 1 ? chunk[0]! : undefined;
      // One job goes without the MULTI around a bulk.
      const added = only
        ? this.queue.add(only.name, only.data(), { jobId: only.id })
        : this.queue.addBulk(
            chunk.map((job) => ({ name: job.name, data: job.data(), opts: { jobId: job.id } })),
          );
      for (const job of chunk) job.added = added;
      added.then(
        () => {
          const now = performance.now();
          for (const job of chunk) {
            job.confirmed = true;
            job.checkedAt = now;
          }
        },
        (err) => {
          const error = new BrokenExecutorError(
            `could not add ${chunk.length} job${chunk.length === 1 ? '' : 's'} to queue '${this.#options.queue}' at ${this.#where}: ${err?.message ?? err}`,
            { cause: err },
          );
          for (const job of chunk) job.fail(error);
        },
      );
    }
  }

  /** Removes a job none of whose tasks is wanted any more (a job a worker holds stays). */
  withdraw(job: SentJob): void {
    job.added.then(() => this.queue.remove(job.id)).catch(noop);
  }

  /** Rewrites a waiting job's data without its cancelled tasks. */
  rewrite(job: SentJob): void {
    job.added
      .then(() =>
        new bullmq.Job(this.queue, job.name, job.data(), {}, job.id).updateData(job.data()),
      )
      .catch(noop);
  }

  /** Asks the worker running a job's task to abort it (its `taskSignal()` aborts). */
  abort(job: SentJob, index: number): void {
    this.control
      .publish(
        abortChannel(this.#options.prefix, this.#options.queue),
        JSON.stringify([job.id, index]),
      )
      .catch(noop);
  }

  /**
   * Reads from Redis the jobs whose results have not come (all of them, or those not checked
   * for `pollInterval`), and settles those that finished or were lost.
   */
  async sweep(all: boolean): Promise<void> {
    if (this.#sweeping || this.#closed) return;
    this.#sweeping = true;
    try {
      const now = performance.now();
      const due: SentJob[] = [];
      for (const job of this.#jobs.values()) {
        if (job.confirmed && (all || now - job.checkedAt >= this.#options.pollInterval))
          due.push(job);
      }
      due.sort((a, b) => a.checkedAt - b.checkedAt);
      for (let i = 0; i < due.length && (all || i < READ_CHUNK); i += READ_CHUNK)
        await this.#read(due.slice(i, i + READ_CHUNK));
    } catch {
      // Redis is unreachable: the next tick or reconnection tries again.
    } finally {
      this.#sweeping = false;
    }
  }

  async #read(jobs: SentJob[]): Promise<void> {
    const pipeline = this.control.pipeline();
    for (const job of jobs) pipeline.hmget(this.queue.toKey(job.id), ...JOB_FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    const now = performance.now();
    for (const [i, job] of jobs.entries()) {
      const [err, fields] = replies[i] ?? [new Error('no reply')];
      if (!job.open) job.release();
      if (err || !job.open) continue;
      job.checkedAt = now;
      const [timestamp, processedOn, finishedOn, returnvalue, failedReason] = fields as (
        | string
        | null
      )[];
      if (timestamp === null) job.fail(this.#lost(job.id, 'is no longer in Redis'));
      else if (finishedOn !== null) {
        if (returnvalue === null) job.fail(jobError(failedReason, job.id));
        else {
          let result: JobResult;
          try {
            result = JSON.parse(returnvalue) as JobResult;
          } catch (err) {
            job.fail(err);
            continue;
          }
          job.complete(result);
        }
      } else job.active = processedOn !== null;
    }
  }

  /** Closes every connection; always settles. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await bounded(Promise.allSettled(this.#chores), 2000);
    const closing = Promise.allSettled([
      this.queue.close(),
      this.#events?.close(),
      this.control.quit().catch(noop),
    ]);
    if ((await bounded(closing, 2000)) === undefined) {
      // A connection that never came up: drop it without waiting for it.
      this.control.disconnect();
      this.queue.disconnect().catch(noop);
      this.#events?.disconnect().catch(noop);
    }
  }
}
