/**
 * What a `RedisExecutor` keeps about its tasks: each task's {@link Future}, and the BullMQ job
 * that carries one task or several, until every task of the job is settled.
 */
import { Future, nativeAwaitable } from '../futures/future.js';
import type { JobProgress, JobResult, Outcome, TaskEntry } from './protocol.js';
import { settleOutcome } from './protocol.js';

/** A task submitted to a `RedisExecutor`: its Future, and where it is. */
export class RedisTask<T = any> extends Future<T> {
  constructor(
    /** The export name the worker looks the function up by (settled before the task is sent). */
    public taskName: string,
    /** The function (for the export check before sending). */
    readonly fn: Function,
    /** The task as it is sent. */
    readonly entry: TaskEntry,
    readonly signal: AbortSignal | undefined,
  ) {
    super();
  }
  /** The job carrying the task, once it is sent. */
  job: SentJob | undefined = undefined;
  /** The task's place in its job. */
  index = -1;
  onAbort: (() => void) | undefined = undefined;

  /** Settles with an outcome from a worker (once; later outcomes are ignored). */
  deliver(outcome: Outcome): void {
    if (this.done()) return;
    settleOutcome(
      outcome,
      (v) => this.setResult(v as T),
      (e) => this.setException(e),
    );
  }

  /** Fails with `err` unless already settled. */
  fail(err: unknown): void {
    if (!this.done()) this.setException(err);
  }
}
nativeAwaitable(RedisTask);

/** A job sent to the queue, carrying one task or several. */
export class SentJob {
  /** True while a worker runs the job (from its `active` event until it finishes or goes back to wait). */
  active = false;
  /** True once Redis confirmed the job was added (from then on, a job missing from Redis is lost). */
  confirmed = false;
  /** When its state was last read from Redis directly (ms, `performance.now()`). */
  checkedAt = performance.now();
  /** The `addBulk` call that sent it. */
  added: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly tasks: RedisTask[],
    /** Called once every task of the job is settled; `ms` is the job's run time if reported. */
    private readonly onSettled: (job: SentJob, ms: number | undefined) => void,
  ) {
    tasks.forEach((t, i) => {
      t.job = this;
      t.index = i;
    });
  }

  /** The job's name in BullMQ: its task's name, or `name×n` for a batch of one function. */
  get name(): string {
    const first = this.tasks[0]!.taskName;
    if (this.tasks.length === 1) return first;
    return this.tasks.every((t) => t.taskName === first)
      ? `${first}×${this.tasks.length}`
      : `batch×${this.tasks.length}`;
  }

  /** `job.data`, with the entries of tasks cancelled since as `null`. */
  data(): { t: (TaskEntry | null)[] } {
    return { t: this.tasks.map((t) => (t.cancelled() ? null : t.entry)) };
  }

  /** True while some task of the job is not settled. */
  get open(): boolean {
    return this.tasks.some((t) => !t.done());
  }

  /** Outcomes of some tasks, reported while the others run. */
  progress(progress: JobProgress | null | undefined): void {
    if (!Array.isArray(progress?.p)) return;
    for (const [i, outcome] of progress.p)
      if (Array.isArray(outcome)) this.tasks[i]?.deliver(outcome);
    this.release();
  }

  /** Lets the executor forget the job once every task is settled (delivered, failed or cancelled). */
  release(): void {
    if (!this.open) this.onSettled(this, undefined);
  }

  /** The job completed: every task's outcome. */
  complete(result: JobResult | null | undefined): void {
    const outcomes = Array.isArray(result?.r) ? result.r : [];
    this.tasks.forEach((t, i) => {
      const outcome = outcomes[i];
      if (outcome) t.deliver(outcome);
      else
        t.fail(
          new SyntaxError(
            `job ${this.id} completed without an outcome for its task ${i} (${t.taskName})`,
          ),
        );
    });
    this.onSettled(this, typeof result?.ms === 'number' ? result.ms : undefined);
  }

  /** The job failed, or was lost: every task not settled fails with `err`. */
  fail(err: unknown): void {
    for (const t of this.tasks) t.fail(err);
    this.onSettled(this, undefined);
  }
}
