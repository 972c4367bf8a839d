/**
 * What a job carries between a `RedisExecutor` and a weft worker. BullMQ stores it as JSON;
 * values inside are in the tagged JSON of `weft/managers` (`values.ts`), so `undefined`,
 * bigints, `Map`, `Set`, `Date`, binary data and errors cross as themselves.
 *
 * | where | form |
 * |---|---|
 * | `job.data` | `{ t: [entry, ...] }`, one entry per task; `null` for a task cancelled before the job started |
 * | entry | `[name, args, timeout, call]`: export name, tagged argument list, ms or `null`, and {@link CALL} or a chunk kind |
 * | `job.returnvalue` | `{ r: [outcome, ...], ms }`: every task's outcome (`null` if skipped), and what its tasks took on the worker (see `batching.ts`) |
 * | outcome | `[0, value]` or `[1, error]`, tagged |
 * | `job.progress` | `{ p: [[index, outcome], ...] }`: outcomes of a job's tasks that finished before the others |
 * | `failedReason` | a job of one task that failed: `{"e": error}` as JSON text |
 *
 * A job of one task that fails fails in BullMQ too (so `attempts` and `backoff` apply and
 * dashboards show it); a job of several tasks completes with each task's outcome.
 */

import { RemoteError, WorkerCrashedError } from '../errors.js';
import { toWire as encodeValue, fromWire } from '../managers/values.js';

/** How a task's function is called with its arguments. */
export const CALL = 0;
/** A map chunk whose items are single arguments: `fn(item)` for each. */
export const CHUNK_ITEMS = 1;
/** A map chunk whose items are argument lists: `fn(...item)` for each. */
export const CHUNK_ARGS = 2;
export type CallKind = typeof CALL | typeof CHUNK_ITEMS | typeof CHUNK_ARGS;

/** One task of a job. */
export type TaskEntry = [name: string, args: unknown, timeout: number | null, call: CallKind];

/** `job.data`. */
export interface JobData {
  t: (TaskEntry | null)[];
}

/** A task's outcome: `[0, value]` or `[1, error]`, tagged. */
export type Outcome = [0 | 1, unknown];

/** `job.returnvalue`. */
export interface JobResult {
  r: (Outcome | null)[];
  /** What the tasks took on the worker beyond handing them to its thread pool (see `job_runner.ts`). */
  ms: number;
}

/** `job.progress` of a job whose first tasks finished while others run. */
export interface JobProgress {
  p: [number, Outcome][];
}

/** A task's entry; throws `ArgumentTypeError` naming the argument that cannot cross. */
export function taskEntry(
  name: string,
  args: unknown[],
  timeout: number | undefined,
  call: CallKind,
): TaskEntry {
  return [name, encodeValue(args, 'args', `of ${name}()`), timeout ?? null, call];
}

function malformed(what: string): never {
  throw new SyntaxError(`malformed job data: ${what} (was the job added by weft's RedisExecutor?)`);
}

/** The entries of `job.data`, checked. */
export function jobEntries(data: unknown): (TaskEntry | null)[] {
  const tasks = (data as JobData | null)?.t;
  if (!Array.isArray(tasks) || tasks.length === 0) malformed('no task list');
  for (const e of tasks) {
    if (e === null) continue;
    if (
      !Array.isArray(e) ||
      typeof e[0] !== 'string' ||
      !Array.isArray(e[1]) ||
      (e[2] !== null && !(typeof e[2] === 'number' && e[2] >= 0)) ||
      (e[3] !== CALL && e[3] !== CHUNK_ITEMS && e[3] !== CHUNK_ARGS)
    )
      malformed(`bad task entry ${JSON.stringify(e)?.slice(0, 80)}`);
  }
  return tasks;
}

/** A task's arguments, rebuilt. */
export function entryArgs(entry: TaskEntry): unknown[] {
  return fromWire(entry[1]) as unknown[];
}

/** The tagged form of an error; never throws (what cannot cross is dropped or described). */
function wireError(err: unknown): unknown {
  try {
    return encodeValue(err, 'error', '');
  } catch {
    const e = err as Error | undefined;
    const plain = new Error(e?.message ?? String(err));
    plain.name = e?.name ?? 'Error';
    if (e?.stack) plain.stack = e.stack;
    return encodeValue(plain, 'error', '');
  }
}

/** The outcome of a task that returned `value`; throws `ArgumentTypeError` if it cannot cross. */
export function success(value: unknown, name: string): Outcome {
  return [0, encodeValue(value, 'the result', `of ${name}()`)];
}

/** The outcome of a task that threw `err`. */
export function failure(err: unknown): Outcome {
  return [1, wireError(err)];
}

/** Settles through `resolve`/`reject` with what an outcome carries. */
export function settleOutcome(
  outcome: Outcome,
  resolve: (value: unknown) => void,
  reject: (err: unknown) => void,
): void {
  let value: unknown;
  try {
    value = fromWire(outcome[1]);
  } catch (err) {
    reject(err);
    return;
  }
  if (outcome[0] === 0) resolve(value);
  else reject(value);
}

/** The `failedReason` of a job of one task that failed with `err`. */
export function failedReason(err: unknown): string {
  return JSON.stringify({ e: wireError(err) });
}

/**
 * The error a failed job stands for: the task's own error (from {@link failedReason}), or
 * BullMQ's reason — a worker that stopped too often while running the job, or another
 * failure of the queue itself.
 */
export function jobError(reason: string | null | undefined, jobId: string): unknown {
  const text = reason ?? '';
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { e?: unknown };
      if (parsed && typeof parsed === 'object' && 'e' in parsed) return fromWire(parsed.e);
    } catch {}
  }
  if (/stalled/i.test(text))
    return new WorkerCrashedError(
      `job ${jobId} was taken back from its worker more often than the queue allows ` +
        `(the worker died, or its event loop was blocked past the lock duration): ${text}`,
    );
  return new RemoteError(`job ${jobId} failed in BullMQ: ${text || 'no reason given'}`);
}

/** The pub/sub channel on which clients ask workers to abort a running task: `[jobId, index]`. */
export function abortChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:weft:abort`;
}
