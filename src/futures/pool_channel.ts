/**
 * The shared memory between a thread pool and one of its workers: the control words, the task
 * ring (pool → worker), the result ring (worker → pool) and the task slots. Both sides build
 * a `Channel` on the same buffer.
 *
 * Control words (Int32):
 *
 * | word | name | written by | meaning |
 * |---|---|---|---|
 * | 0 | READY | worker, `Atomics.store` once | 1 when the worker has started (initializer done) |
 * | 1 | DONE | worker, `Atomics.add` | tasks finished, for statistics and recycling |
 * | 2 | HEAP_MB | worker, plain | heap used, refreshed every few hundred tasks |
 * | 3 | SPINNING | worker, plain | 1 while the worker polls for tasks instead of sleeping |
 *
 * Slots: each task in a worker's ring has a slot (index < {@link SLOTS}) with two words:
 *
 * - STATE: QUEUED (pool, `Atomics.store` before publishing the record) → RUNNING (worker,
 *   `compareExchange` QUEUED→RUNNING when it starts the task) or CANCELLED (pool,
 *   `compareExchange` QUEUED→CANCELLED: only a task that has not started can be withdrawn;
 *   exactly one side wins). While RUNNING the pool may `compareExchange` RUNNING→ABORTING
 *   to ask the task to stop (its AbortSignal fires). The pool frees the slot (FREE) when it
 *   reads the task's result record.
 * - START: when the task started, in ms since the pool's epoch (worker, plain, before
 *   RUNNING is published), for timeouts that count from the start.
 */
import { Ring, ringBytes } from '../_internal/ring.js';

export const READY = 0;
export const DONE = 1;
export const HEAP_MB = 2;
export const SPINNING = 3;
const CONTROL_WORDS = 16;

/** Task slots per worker: the most tasks one worker can have in flight. */
export const SLOTS = 4096;
export const FREE = 0;
export const QUEUED = 1;
export const RUNNING = 2;
export const CANCELLED = 3;
export const ABORTING = 4;

/** Bytes of each ring. */
export const TASK_RING_BYTES = 1 << 20;
export const RESULT_RING_BYTES = 1 << 20;

/** Result statuses in a result record. */
export const R_OK = 0;
export const R_ERROR = 1;
export const R_SKIPPED = 2;
export const R_TIMEOUT = 3;

/** Task record flags. */
export const F_PORT = 1;
export const F_TIMEOUT = 2;
export const F_DEFINE = 4;
/** The record is a chunk of a map: the arguments are its items. */
export const F_CHUNK = 8;
/** With F_CHUNK: each item is the single argument (else an argument list). */
export const F_SINGLE = 16;

/** Pool-wide words (one buffer per pool): how workers wake the pool. */
export const P_EPOCH = 0;
export const P_WAITING = 1;
export const POOL_WORDS = 4;

const taskRingAt = CONTROL_WORDS * 4;
const resultRingAt = taskRingAt + ringBytes(TASK_RING_BYTES);
const slotsAt = resultRingAt + ringBytes(RESULT_RING_BYTES);

/** Total bytes of a channel. */
export const CHANNEL_BYTES = slotsAt + SLOTS * 2 * 4;

export class Channel {
  readonly control: Int32Array;
  readonly tasks: Ring;
  readonly results: Ring;
  /** Slot k: `slots[2k]` STATE, `slots[2k+1]` START. */
  readonly slots: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer, 0, CONTROL_WORDS);
    this.tasks = new Ring(buffer, taskRingAt, TASK_RING_BYTES);
    this.results = new Ring(buffer, resultRingAt, RESULT_RING_BYTES);
    this.slots = new Int32Array(buffer, slotsAt, SLOTS * 2);
  }

  static create(): Channel {
    return new Channel(new SharedArrayBuffer(CHANNEL_BYTES));
  }
}
