/**
 * How tasks submitted together are packed into jobs. A BullMQ job costs Redis a few scripts
 * and events whatever it carries, which is most of the cost of a small task; so tasks
 * submitted in the same tick go into shared jobs, each expected to take a worker about
 * {@link BATCH_BUDGET_MS} at most, by the run times workers reported for jobs of those
 * functions (a job's time over its tasks: what one more task adds to a job). A function never
 * seen before, or one that takes longer than the budget, gets a job per task: a long task
 * must be free to go to whichever worker is idle.
 */

/** Milliseconds a job of several tasks is expected to take on its worker, at most. */
export const BATCH_BUDGET_MS = 10;

/** Reports kept per function: the estimate is the quickest of them. */
const WINDOW = 8;

/** Per-task run times, learnt per function name from the jobs' reports. */
export class Batcher {
  readonly #reports = new Map<string, number[]>();

  constructor(readonly maxBatch: number) {}

  /**
   * The estimated run time of one task of `name` (ms), if known: the quickest of its last
   * reports. What delays a job besides its tasks (a busy machine, a thread waking up) only
   * ever adds time, so the quickest recent run is the best guess of the task's own.
   */
  cost(name: string): number | undefined {
    const reports = this.#reports.get(name);
    return reports ? Math.min(...reports) : undefined;
  }

  /** Splits `tasks`, in order, into groups that each make one job. */
  pack<T extends { taskName: string }>(tasks: T[]): T[][] {
    const groups: T[][] = [];
    let group: T[] = [];
    let sum = 0;
    for (const task of tasks) {
      const cost = this.maxBatch > 1 ? this.cost(task.taskName) : undefined;
      const alone = cost === undefined || cost >= BATCH_BUDGET_MS;
      if (
        group.length &&
        (alone || group.length === this.maxBatch || sum + cost > BATCH_BUDGET_MS)
      ) {
        groups.push(group);
        group = [];
        sum = 0;
      }
      if (alone) groups.push([task]);
      else {
        group.push(task);
        sum += cost;
      }
    }
    if (group.length) groups.push(group);
    return groups;
  }

  /** A job of these tasks reported taking `ms` on its worker (beyond the hand-off to its pool). */
  learn(names: readonly string[], ms: number): void {
    const each = ms / names.length;
    for (const name of new Set(names)) {
      let reports = this.#reports.get(name);
      if (!reports) this.#reports.set(name, (reports = []));
      reports.push(each);
      if (reports.length > WINDOW) reports.shift();
    }
  }
}
