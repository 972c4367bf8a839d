/**
 * weft's threads against CPython's and against Node's own messaging: each case moves work
 * between real threads. Each case lives in a module of its own under `bench/cases/`.
 */
import { queueCrossThread } from '../cases/queue_cross_thread.js';
import { s01Sleep, threadStartCold, threadStartWarm } from '../cases/thread_start.js';
import { defineSuite } from '../harness.js';

export default defineSuite('threads', [
  threadStartCold,
  threadStartWarm,
  s01Sleep,
  queueCrossThread,
]);
