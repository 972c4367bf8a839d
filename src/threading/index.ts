/**
 * `weft/threading`: Python's `threading` for real parallel threads.
 * @module
 */
// Queues cross threads like the primitives here: a worker that imports only this module can
// revive one it received (`revive(message)`).
import '../queue/index.js';

export { revive } from '../_internal/handle.js';
export { Releaser } from '../_internal/releaser.js';
export { registerTask } from '../runtime/task_ref.js';
export { RawArray, SharedArray, SharedArray as Array } from '../shared/array.js';
export { Barrier, type BarrierOptions } from '../shared/barrier.js';
export { Condition, type ConditionLock } from '../shared/condition.js';
export type { CType, TypeCode, TypedArray, TypeName, ValueOf } from '../shared/ctypes.js';
export { Event } from '../shared/event.js';
export { type AcquireOptions, Lock } from '../shared/lock.js';
export { RLock } from '../shared/rlock.js';
export { BoundedSemaphore, Semaphore, type SemaphoreOptions } from '../shared/semaphore.js';
export { RawValue, Value, type ValueOptions } from '../shared/value.js';
export { Local, local } from './local.js';
export {
  activeCount,
  currentThread,
  type ExceptHookArgs,
  enumerate,
  excepthook,
  getIdent,
  getNativeId,
  type IsolateMode,
  mainThread,
  setExcepthook,
  Thread,
  type ThreadOptions,
} from './thread.js';
export { Timer } from './timer.js';
export { watchWorker } from './watch_worker.js';
