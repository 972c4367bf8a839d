/**
 * What weft's two pools — `ThreadPoolExecutor` and `ProcessPoolExecutor` — do the same way,
 * whatever carries their tasks: the options they share, the queue of tasks no worker has
 * taken yet, the choice of a worker (fewest tasks in flight, within a cap from its recent run
 * times), the watchdog that enforces timeouts and grace periods, and what happens to the
 * tasks of a worker that died.
 */
import { availableParallelism } from 'node:os';
import {
  checkBoolean,
  checkFunction,
  checkInt,
  checkNumber,
  typeError,
} from '../_internal/validate.js';
import { TimeoutError, WorkerCrashedError } from '../errors.js';
import { encode } from '../runtime/marshal.js';
import { type TaskRef, toTaskRef } from '../runtime/task_ref.js';
import type { TaskFn } from './executor.js';
import type { PoolTask } from './pool_task.js';

/** The options both pools take. */
export interface CommonPoolOptions {
  maxWorkers?: number | undefined;
  initializer?: TaskFn | undefined;
  initargs?: unknown[] | undefined;
  idleTimeout?: number | undefined;
  concurrency?: number | undefined;
  gracePeriod?: number | undefined;
  brokenOnCrash?: boolean | undefined;
}

/** The names of {@link CommonPoolOptions}, for `checkOptions`. */
export const COMMON_POOL_OPTIONS: readonly string[] = [
  'maxWorkers',
  'initializer',
  'initargs',
  'idleTimeout',
  'concurrency',
  'gracePeriod',
  'brokenOnCrash',
];

/** The checked form of {@link CommonPoolOptions}. */
export interface PoolConfig {
  maxWorkers: number;
  initializer: TaskRef | undefined;
  /** `initargs` prepared for crossing ({@link encode}). */
  initargs: unknown;
  idleTimeout: number;
  concurrency: number;
  grace: number;
  brokenOnCrash: boolean;
}

/** Checks the shared options, naming the one that is wrong. */
export function checkPoolOptions(
  o: CommonPoolOptions,
  defaults: { idleTimeout: number; maxConcurrency: number },
): PoolConfig {
  if (o.initargs !== undefined && !Array.isArray(o.initargs))
    typeError('initargs', 'an array', o.initargs);
  return {
    maxWorkers:
      o.maxWorkers === undefined
        ? availableParallelism()
        : checkInt(o.maxWorkers, 'maxWorkers', 1, 1024),
    initializer:
      o.initializer === undefined
        ? undefined
        : toTaskRef(checkFunction(o.initializer, 'initializer'), 'initializer'),
    initargs: encode(o.initargs ?? [], 'initargs'),
    idleTimeout:
      o.idleTimeout === undefined
        ? defaults.idleTimeout
        : checkNumber(o.idleTimeout, 'idleTimeout', 0),
    concurrency:
      o.concurrency === undefined
        ? 1
        : checkInt(o.concurrency, 'concurrency', 1, defaults.maxConcurrency),
    grace: o.gracePeriod === undefined ? 1000 : checkNumber(o.gracePeriod, 'gracePeriod', 0),
    brokenOnCrash:
      o.brokenOnCrash === undefined ? false : checkBoolean(o.brokenOnCrash, 'brokenOnCrash'),
  };
}

/**
 * The tasks no worker has taken yet, first in first out. Withdrawn and settled tasks stay in
 * place (removing them from the middle would cost a copy) and are skipped.
 */
export class TaskQueue<T extends PoolTask> {
  #items: T[] = [];
  #head = 0;

  /** Entries still in the queue (withdrawn ones included until they are skipped). */
  get size(): number {
    return this.#items.length - this.#head;
  }

  push(task: T): void {
    this.#items.push(task);
  }

  /** The next task to give a worker, skipping withdrawn and settled ones; undefined if none. */
  peek(): T | undefined {
    while (this.#head < this.#items.length) {
      const task = this.#items[this.#head]!;
      if (!task.withdrawn && !task.done()) return task;
      this.#head++;
    }
    this.#compact();
    return undefined;
  }

  /** Removes the task {@link peek} returned. */
  shift(): void {
    this.#head++;
    this.#compact();
  }

  /** Puts tasks back at the front (those of a worker that died before starting them). */
  requeue(tasks: T[]): void {
    this.#items.splice(this.#head, 0, ...tasks);
  }

  /** Empties the queue; returns what it held. */
  clear(): T[] {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return rest;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i]!;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** What the scheduler needs to know of a worker. */
export interface ScheduledWorker {
  readonly inflightCount: number;
  retiring: boolean;
  exited: boolean;
  /** How many more tasks it may take now, with at most `cap` in flight. */
  room(cap: number): number;
}

/**
 * The live worker with the fewest tasks in flight that still has room under its cap, or a
 * new one (`spawn`) if every live worker is busy and the pool may grow.
 */
export function pickWorker<W extends ScheduledWorker>(
  workers: readonly W[],
  capFor: (w: W) => number,
  mayGrow: boolean,
  maxWorkers: number,
  spawn: () => W,
): W | undefined {
  let best: W | undefined;
  let allBusy = true;
  let live = 0;
  for (const w of workers) {
    if (w.retiring || w.exited) continue;
    live++;
    if (w.inflightCount === 0) allBusy = false;
    if (w.room(capFor(w)) > 0 && (!best || w.inflightCount < best.inflightCount)) best = w;
  }
  if ((allBusy || !best) && live < maxWorkers && mayGrow) return spawn();
  return best;
}

/**
 * How many tasks to keep in flight on a worker whose tasks recently took `avgRunMs` each:
 * about `budgetMs` of work, at least `min`, at most `max`.
 */
export function capFromRunTime(
  avgRunMs: number | undefined,
  budgetMs: number,
  min: number,
  max: number,
): number {
  if (avgRunMs === undefined) return min;
  return Math.max(min, Math.min(max, Math.floor(budgetMs / Math.max(avgRunMs, 0.0002))));
}

/**
 * The watchdog's bookkeeping: it ticks every 10 ms while some task has a timeout or was asked
 * to stop, and not at all otherwise.
 */
export class TaskWatch {
  #count = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly tick: () => void) {}

  watch(task: PoolTask): void {
    if (task.watched) return;
    task.watched = true;
    if (this.#count++ === 0) {
      this.#timer = setInterval(this.tick, 10);
      this.#timer.unref();
    }
  }

  unwatch(task: PoolTask): void {
    if (!task.watched) return;
    task.watched = false;
    if (--this.#count === 0) clearInterval(this.#timer);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** The error of a task whose worker died under it. */
export function crashedError(what: string, cause: unknown): WorkerCrashedError {
  return new WorkerCrashedError(
    `the ${what} running this task died: ${(cause as Error)?.message ?? cause}`,
    { cause },
  );
}

/** Why a worker was replaced: a task ignored its timeout or cancellation for the grace period. */
export function ignoredStopError(task: PoolTask, grace: number): TimeoutError {
  return new TimeoutError(
    `a task ignored its ${task.timeout !== undefined ? 'timeout' : 'cancellation'} for ${grace} ms`,
  );
}
