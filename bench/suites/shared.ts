/**
 * Shared-memory primitives between real threads: weft beside a raw Atomics baseline, CPython's
 * threading and (for the async form) async-mutex. Each case lives in `bench/cases/shared.ts`.
 */
import {
  conditionPingPong,
  lockContended2Threads,
  lockUncontendedWorker,
  semaphoreContended,
} from '../cases/shared.js';
import { defineSuite } from '../harness.js';

export default defineSuite('shared', [
  lockUncontendedWorker,
  lockContended2Threads,
  conditionPingPong,
  semaphoreContended,
]);
