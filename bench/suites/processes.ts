/**
 * Processes beside CPython's `multiprocessing` and `concurrent.futures`: process pools, process
 * start-up, and process IPC through the tree's broker. Each case lives in its own module under
 * `bench/cases/`; this suite is their list.
 */
import { processLockValueCase, processQueueCase } from '../cases/process_ipc.js';
import { processPoolTiny, processRoundtrip } from '../cases/process_pool.js';
import { processStart, s01Processes } from '../cases/process_start.js';
import { defineSuite } from '../harness.js';

export default defineSuite('processes', [
  processPoolTiny,
  processRoundtrip,
  processStart,
  s01Processes,
  processQueueCase,
  processLockValueCase,
]);
