/**
 * `weft/multiprocessing`: Python's `multiprocessing` — processes, pipes, process-wide queues
 * and primitives, shared values, and `Manager()`. The process-wide objects live in the
 * process tree's broker (see `docs/multiprocessing.md`) and cross to children as `Process`
 * arguments or queue items, arriving live.
 * @module
 */
export { BrokenPipeError, EOFError, OSError } from '../errors.js';
export type { ArgsOption } from '../runtime/runnable.js';
export { DictProxy, ListProxy, Namespace } from './_containers.js';
export type { BrokerLock as ProcessLock } from './_lock_base.js';
export type { TypedOptions } from './_typed_cells.js';
export { RawArray, SharedArray as Array, SharedArray } from './array.js';
export { Barrier } from './barrier.js';
export { Condition } from './condition.js';
export { Connection, Pipe, type PipeOptions } from './connection.js';
export { Event } from './event.js';
export { Lock } from './lock.js';
export {
  type AsyncCallbacks,
  AsyncResult,
  type ChunkOptions,
  Pool,
  type PoolOptions,
} from './pool.js';
export {
  activeChildren,
  cpuCount,
  currentProcess,
  isChild,
  Process,
  type ProcessOptions,
  parentProcess,
} from './process.js';
export { JoinableQueue, Queue } from './queue.js';
export { RLock } from './rlock.js';
export { BoundedSemaphore, Semaphore } from './semaphore.js';
export { SimpleQueue } from './simple_queue.js';
export { Manager, SyncManager } from './sync_manager.js';
export { RawValue, Value } from './value.js';
