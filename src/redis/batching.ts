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
export const BATCH_BUDGET_MS = 5;

/** Per-task run times, learnt per function name from the jobs' reported run times. */
export class Batcher {
  readonly #costs = new Map<string, number>();

  constructor(readonly maxBatch: number) {}

  /** The estimated run time of one task of `name` (ms), if known. */
  cost(name: string): number | undefined {
    return this.#costs.get(name);
  }

  /** Splits `tasks`, in order, into groups that each make one job. */
  pack<T extends { taskName: string }>(tasks: T[]): T[][] {
    const groups: T[][] = [];
    let group: T[] = [];
    let sum = 0;
    for (const task of tasks) {
      const cost = this.maxBatch > 1 ? this.#costs.get(task.taskName) : undefined;
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

  /**
   * A job of these tasks ran for `ms` on its worker. The estimate drops at once to a quicker
   * run and rises slowly with slower ones: what delays a job besides its tasks (a busy
   * machine, a thread waking up) only ever adds time.
   */
  learn(names: readonly string[], ms: number): void {
    const each = ms / names.length;
    for (const name of new Set(names)) {
      const old = this.#costs.get(name);
      this.#costs.set(name, old === undefined || each < old ? each : old * 0.8 + each * 0.2);
    }
  }
}
