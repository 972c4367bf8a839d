/**
 * Processes: weft's process pools and processes beside CPython's. Each case lives in its own
 * module under `bench/cases/`; this suite is their list.
 */
import { processPoolTiny, processRoundtrip } from '../cases/process_pool.js';
import { processStart, s01Processes } from '../cases/process_start.js';
import { defineSuite } from '../harness.js';

export default defineSuite('processes', [
  processPoolTiny,
  processRoundtrip,
  processStart,
  s01Processes,
]);
