/**
 * `weft/asyncio`: Python's asyncio for one Node.js event loop — `sleep`, `gather`, `wait`,
 * `waitFor`, `timeout`, `asCompleted`, `shield`, `Task`, `TaskGroup`, and the single-loop
 * `Lock`, `Semaphore`, `BoundedSemaphore`, `Event`, `Condition`, `Barrier`, `Queue`,
 * `LifoQueue` and `PriorityQueue`. Times are in milliseconds; every waiting call takes
 * `{ timeout, signal }` and, inside a Task, obeys the task's cancellation.
 *
 * @example
 * ```ts
 * import { gather, sleep } from 'weft/asyncio';
 * async function task(name: string) {
 *   console.log(`task ${name} starts`);
 *   await sleep(2000);
 *   console.log(`task ${name} ends`);
 * }
 * await gather(task('1'), task('2')); // about 2 s, not 4
 * ```
 * @module
 */
export type { AcquireOptions, Releaser } from './_permits.js';
export { AsCompleted, type AsCompletedOptions, asCompleted } from './as_completed.js';
export { Barrier } from './barrier.js';
export { Condition, type ConditionLock } from './condition.js';
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
} from './constants.js';
export { Event } from './event.js';
export { type Awaitables, type GatherOptions, gather } from './gather.js';
export { LifoQueue } from './lifo_queue.js';
export { Lock } from './lock.js';
export { PriorityQueue, type PriorityQueueOptions } from './priority_queue.js';
export { Queue, type QueueOptions, type ShutdownOptions } from './queue.js';
export { BoundedSemaphore, Semaphore } from './semaphore.js';
export { shield } from './shield.js';
export { type SleepOptions, sleep } from './sleep.js';
export {
  createTask,
  currentTask,
  type DoneCallback,
  Task,
  type TaskFunction,
  type TaskOptions,
} from './task.js';
export { TaskGroup } from './task_group.js';
export { type ScopeFunction, Timeout, timeout, timeoutAt } from './timeout.js';
export { type WaitCallOptions, type WaitResult, wait } from './wait.js';
export { waitFor } from './wait_for.js';
