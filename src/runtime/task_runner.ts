/**
 * What a pool worker does with a task, whether it is a thread (`pool_worker_main.ts`) or a
 * process (`process_pool_main.ts`): call it with `taskSignal()` answering for it, and write
 * its outcome with the wire codec. The two differ only in how records travel.
 */
import { encodeValue, NEEDS_PORT, type WireHooks, type WireWriter } from '../_internal/wire.js';
import { applyChunk } from '../futures/chunk.js';
import { R_ERROR } from '../futures/pool_channel.js';
import { _setTaskSignalSource } from '../futures/task_signal.js';
import { decodeError, encodeError } from './error_wire.js';
import { toTaskRef } from './task_ref.js';

/** How values with functions and errors in them are written. */
export const wireHooks: WireHooks = {
  encodeFunction: (fn, path) => toTaskRef(fn, path),
  encodeError,
};

/** How they are read back: functions as task references to resolve, errors rebuilt. */
export const readHooks = {
  decodeFunction: (ref: unknown): unknown => ({ $weftFn: ref }),
  decodeError,
};

/** True if `v` is a promise (or any thenable). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof (v as PromiseLike<unknown>)?.then === 'function';
}

/**
 * Calls `fn(...args)` — or, for a map chunk (`chunk` 1, or 2 when each item is the single
 * argument), `fn` over each item, into `chunkResults` if given — with `taskSignal()` answered
 * by `signal` during the call's synchronous part. Returns the value or a promise; throws what
 * `fn` throws.
 */
export function invokeTask(
  fn: Function,
  args: unknown[],
  chunk: number,
  signal: () => AbortSignal,
  chunkResults?: unknown[],
): unknown {
  _setTaskSignalSource(signal);
  try {
    return chunk ? applyChunk(fn, args, chunk === 2, chunkResults) : fn(...args);
  } finally {
    _setTaskSignalSource(undefined);
  }
}

/**
 * Appends a task's outcome to `writer`: the value, or for `R_ERROR` the
 * error's wire form. Returns the status to report — `status`, or `R_ERROR` when the value
 * cannot be written (the reason is written instead) — or `NEEDS_PORT` when the value holds
 * shared memory and must cross another way (nothing written).
 */
export function encodeOutcome(
  writer: WireWriter,
  status: number,
  value: unknown,
): number | typeof NEEDS_PORT {
  const start = writer.pos;
  try {
    encodeValue(writer, status === R_ERROR ? encodeError(value) : value, wireHooks, 'result');
    return status;
  } catch (err) {
    writer.pos = start;
    if (err === NEEDS_PORT) return NEEDS_PORT;
    encodeValue(writer, encodeError(err), wireHooks, 'result');
    return R_ERROR;
  }
}
