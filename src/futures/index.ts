/**
 * `weft/futures`: Python's `concurrent.futures` — `Future`, `Executor`, `ThreadPoolExecutor`,
 * `ProcessPoolExecutor`, `wait`, `asCompleted` — on real parallel threads and processes.
 * @module
 */
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
} from '../asyncio/constants.js';
export {
  Executor,
  type MapOptions,
  MapResult,
  type RunOptions,
  type ShutdownOptions,
  type TaskFn,
} from './executor.js';
export { Future } from './future.js';
export {
  ProcessPoolExecutor,
  type ProcessPoolExecutorOptions,
} from './process_pool.js';
export type { Percentiles, PoolStats } from './stats.js';
export { taskSignal } from './task_signal.js';
export {
  ThreadPoolExecutor,
  type ThreadPoolExecutorOptions,
} from './thread_pool.js';
export { asCompleted, type DoneAndNotDone, wait } from './wait.js';
