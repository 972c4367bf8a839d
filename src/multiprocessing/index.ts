/**
 * `weft/multiprocessing`: Python's `multiprocessing` — processes, and (in later modules)
 * pipes, queues and process-wide primitives.
 * @module
 */

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
