/**
 * `watchWorker`: owner-death recovery for threads weft did not start.
 */
import type { Worker } from 'node:worker_threads';
import { markWorkerEnded } from '../_internal/registry.js';

/**
 * Tells weft when a raw `Worker` ends, so that locks it held are taken over by the next
 * acquirer (with `ownerDied`) and semaphore permits it held are returned if it crashed.
 * Threads started by weft (`Thread`, pools) are watched already; call this only for a
 * `new Worker(...)` of your own that uses weft's shared objects.
 *
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { Lock, watchWorker } from 'weft/threading';
 *
 * const lock = new Lock();
 * const worker = watchWorker(new Worker('./job.js', { workerData: { lock } }));
 * ```
 */
export function watchWorker<W extends Worker>(worker: W): W {
  const id = worker.threadId;
  let crashed = false;
  worker.once('error', () => {
    crashed = true;
  });
  worker.once('exit', (code) => markWorkerEnded(id, crashed || code !== 0));
  return worker;
}
