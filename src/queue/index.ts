/**
 * `weft/queue`: Python's `queue` for real parallel threads — `Queue`, `LifoQueue`,
 * `PriorityQueue` and `SimpleQueue` in shared memory, shared by every thread that holds them.
 *
 * @example
 * ```ts
 * import { Queue, Empty } from 'weft/queue';
 * const q = new Queue<string>({ maxsize: 2 });
 * await q.put('job');
 * console.log(await q.get()); // 'job'
 * try { q.getNowait(); } catch (err) { if (err instanceof Empty) console.log('empty'); }
 * ```
 * @module
 */
export { Empty, Full, ShutDown } from '../errors.js';
export { LifoQueue } from './lifo_queue.js';
export { PriorityQueue, type PriorityQueueOptions } from './priority_queue.js';
export { Queue, type QueueOptions, type ShutdownOptions } from './queue.js';
export { SimpleQueue } from './simple_queue.js';
