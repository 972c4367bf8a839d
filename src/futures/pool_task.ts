/**
 * `PoolTask`: a task of a pool (threads or processes) from submission to result — the Future
 * the caller holds, carrying what the pool needs to run it (one object per task instead of
 * two).
 */
import type { TaskRef } from '../runtime/task_ref.js';
import { Future, nativeAwaitable } from './future.js';

export class PoolTask<T = any, W = any> extends Future<T> {
  constructor(
    readonly fnId: number,
    readonly fnRef: TaskRef,
    /** The arguments (a map chunk's items); empty while {@link items} holds them. */
    public args: unknown[],
    readonly timeout: number | undefined,
    readonly signal: AbortSignal | undefined,
    /** 0: a call; otherwise a map chunk, F_CHUNK or F_CHUNK | F_SINGLE. */
    readonly chunk: number,
  ) {
    super();
  }
  readonly submitted = performance.now();
  /**
   * A map chunk not cut out of its input: its items are `items[from … to)` (the thread pool
   * encodes them straight from there).
   */
  items: readonly unknown[] | undefined = undefined;
  from = 0;
  to = 0;
  /** Set while the task is with a worker. */
  worker: W | undefined = undefined;
  slot = -1;
  /** Withdrawn while waiting in the pool's queue: skip it. */
  withdrawn = false;
  /** When the pool failed it for its timeout or signal (it may still be running). */
  stoppedAt: number | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** Counted by the pool's watchdog. */
  watched = false;
  /** When it started (`performance.now()`), where the worker reports it (a process pool's timed tasks). */
  startedAt: number | undefined = undefined;
  /** Its place in its worker's order of dispatch (a process runs its tasks in that order). */
  seq = 0;
}
nativeAwaitable(PoolTask);
