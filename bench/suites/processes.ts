/**
 * weft/multiprocessing beside CPython's `multiprocessing`: process IPC through the tree's
 * broker (`bench/cases/process_ipc.ts`).
 */
import { processLockValueCase, processQueueCase } from '../cases/process_ipc.js';
import { defineSuite } from '../harness.js';

export default defineSuite('processes', [processQueueCase, processLockValueCase]);
