/**
 * How a weft worker runs a job: each of its tasks on the worker's `ThreadPoolExecutor` (so
 * CPU-bound tasks use every core), with its timeout counted from its start, abortable from
 * the client, and the whole job handed back to the queue when the worker stops before it
 * finishes.
 */
import type { Job } from 'bullmq';
import { CancelledError } from '../errors.js';
import type { ThreadPoolExecutor } from '../futures/thread_pool.js';
import { bullmq } from './bullmq.js';
import {
  CALL,
  CHUNK_ITEMS,
  entryArgs,
  failedReason,
  failure,
  type JobResult,
  jobEntries,
  type Outcome,
  success,
  type TaskEntry,
} from './protocol.js';
import type { TaskRegistry } from './registry.js';

/**
 * Outcomes of a job of several tasks that finish while others still run are reported this
 * many ms after the first of them (one progress event for all that finished by then).
 */
const PARTIAL_MS = 5;

/** A task's outcome; if it failed, the error and whether BullMQ may retry a job that failed with it. */
interface Ran {
  outcome: Outcome;
  error?: unknown;
  retry?: boolean;
}

/** A job this worker is running. */
class RunningJob {
  /** One per task, from the start: an abort that comes before its task starts is kept. */
  readonly controllers: AbortController[];
  handedBack = false;

  constructor(size: number) {
    this.controllers = Array.from({ length: size }, () => new AbortController());
  }

  abort(index: number, reason: unknown): void {
    this.controllers[index]?.abort(reason);
  }

  /** Stops the job's tasks; the job then goes back to the queue instead of finishing. */
  handBack(): void {
    this.handedBack = true;
    const reason = new CancelledError('the worker is stopping: the job goes back to the queue');
    for (const c of this.controllers) c.abort(reason);
  }
}

function noop(): void {}

/** Runs jobs on a thread pool; `process` is the BullMQ processor. */
export class JobRunner {
  readonly #pool: ThreadPoolExecutor;
  readonly #registry: TaskRegistry;
  readonly #running = new Map<string, RunningJob>();
  readonly #onUnknown: (err: unknown) => void;
  /** The quickest job of one task of late, ms (see {@link JobRunner.#beyondHandOff}). */
  #handOff: number | undefined;

  constructor(pool: ThreadPoolExecutor, registry: TaskRegistry, onUnknown: (err: unknown) => void) {
    this.#pool = pool;
    this.#registry = registry;
    this.#onUnknown = onUnknown;
  }

  /** Jobs running now. */
  get size(): number {
    return this.#running.size;
  }

  /** Aborts a running task at a client's request (its `taskSignal()` aborts). */
  abort(jobId: string, index: number): void {
    this.#running
      .get(jobId)
      ?.abort(index, new CancelledError('the client aborted the task (its signal)'));
  }

  /** Hands every running job back to the queue. */
  handBack(): void {
    for (const job of this.#running.values()) job.handBack();
  }

  /**
   * BullMQ's processor. A job of one task fails if its task fails (so `attempts` apply);
   * a job of several completes with each task's outcome.
   */
  readonly process = async (job: Job, token?: string): Promise<JobResult> => {
    const started = performance.now();
    let entries: (TaskEntry | null)[];
    try {
      entries = jobEntries(job.data);
    } catch (err) {
      throw new bullmq.UnrecoverableError(failedReason(err));
    }
    const running = new RunningJob(entries.length);
    this.#running.set(job.id!, running);
    try {
      const [outcomes, ms] =
        entries.length === 1
          ? [[await this.#single(entries[0]!, running)], this.#beyondHandOff(started)]
          : await this.#many(job, entries, running);
      if (running.handedBack && token) {
        await job.moveToWait(token);
        throw new bullmq.WaitingError();
      }
      return { r: outcomes, ms };
    } finally {
      this.#running.delete(job.id!);
    }
  };

  /**
   * What a job of one task took beyond handing it to the pool and back: its time less the
   * quickest such job of late (the hand-off's cost on this machine). The first job reports
   * all its time, as nothing is known yet.
   */
  #beyondHandOff(started: number): number {
    const ms = performance.now() - started;
    const floor = this.#handOff;
    this.#handOff = floor === undefined || ms < floor ? ms : floor + (ms - floor) * 0.01;
    return Math.max(0, ms - (floor ?? 0));
  }

  /** The one task of a job: its failure is the job's. */
  async #single(entry: TaskEntry, running: RunningJob): Promise<Outcome> {
    const ran = await this.#run(entry, running, 0, true);
    if (ran.outcome[0] === 0 || running.handedBack) return ran.outcome;
    const reason = failedReason(ran.error);
    throw ran.retry
      ? Object.assign(new Error(reason), { stack: stackOf(ran.error, reason) })
      : new bullmq.UnrecoverableError(reason);
  }

  /**
   * Every task of a job at once; outcomes that come early are reported as progress. Also
   * returns the time the tasks took beyond the first one's hand-off to the pool: from the
   * first outcome to the last, scaled to the number of tasks (what a task adds to a job).
   */
  async #many(
    job: Job,
    entries: (TaskEntry | null)[],
    running: RunningJob,
  ): Promise<[(Outcome | null)[], number]> {
    const outcomes: (Outcome | null)[] = new Array(entries.length).fill(null);
    const tasks = entries.filter((e) => e !== null).length;
    let left = tasks;
    let first: number | undefined;
    let last = 0;
    let early: [number, Outcome][] = [];
    let timer: NodeJS.Timeout | undefined;
    const report = () => {
      timer = undefined;
      const p = early;
      early = [];
      if (p.length && !running.handedBack) job.updateProgress({ p } as never).catch(noop);
    };
    await Promise.all(
      entries.map(async (entry, i) => {
        if (entry === null) return; // cancelled before the job started
        const { outcome } = await this.#run(entry, running, i, false);
        last = performance.now();
        first ??= last;
        outcomes[i] = outcome;
        if (--left > 0) {
          early.push([i, outcome]);
          timer ??= setTimeout(report, PARTIAL_MS);
        }
      }),
    );
    clearTimeout(timer);
    return [outcomes, tasks > 1 ? ((last - first!) * tasks) / (tasks - 1) : 0];
  }

  /**
   * Runs one task on the pool. `alone`: the job's only task, handed to its thread at once
   * (`result()` flushes the pool) rather than after the rest of this tick's work (BullMQ's
   * own); a job's several tasks go together when the tick ends, in one hand-off.
   */
  async #run(entry: TaskEntry, running: RunningJob, index: number, alone: boolean): Promise<Ran> {
    const [name, , timeout, call] = entry;
    let fn: Function;
    let args: unknown[];
    try {
      fn = this.#registry.known(name) ?? (await this.#registry.get(name));
      args = entryArgs(entry);
    } catch (err) {
      this.#onUnknown(err);
      return { outcome: failure(err), error: err, retry: false };
    }
    const controller = running.controllers[index]!;
    const options = { timeout: timeout ?? undefined, signal: controller.signal };
    let value: unknown;
    try {
      const future =
        call === CALL
          ? this.#pool.run(fn as never, args as never, options)
          : this.#pool._runChunk(fn as never, args, call === CHUNK_ITEMS, options);
      value = alone ? await future.result() : await future;
    } catch (err) {
      return { outcome: failure(err), error: err, retry: !controller.signal.aborted };
    }
    try {
      return { outcome: success(value, name) };
    } catch (err) {
      return { outcome: failure(err), error: err, retry: false };
    }
  }
}

function stackOf(err: unknown, reason: string): string {
  const stack = (err as Error | undefined)?.stack;
  return typeof stack === 'string' ? stack : reason;
}
