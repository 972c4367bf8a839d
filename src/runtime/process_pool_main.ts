/**
 * The entry point of a process-pool child. It receives its name, place in the process tree
 * and initializer over IPC (like a `Process`), runs the initializer, then reads task records
 * from the pipe on its file descriptor 4, runs them in the order they came — `concurrency`
 * at a time when they are async — and writes result records back, many per write: what it
 * finished since its last write, at the latest every millisecond while it works.
 */
import { Socket } from 'node:net';
import { encodeValue, WireReader, WireWriter } from '../_internal/wire.js';
import { ArgumentTypeError } from '../errors.js';
import {
  F_CHUNK,
  F_DEFINE,
  F_SINGLE,
  F_TIMEOUT,
  R_ERROR,
  R_OK,
  R_SKIPPED,
} from '../futures/pool_channel.js';
import {
  beginFrame,
  endFrame,
  F_NOTIFY,
  FrameReader,
  K_ABORT,
  K_INIT_ERROR,
  K_RESULT,
  K_START,
  K_TASK,
  takeBytes,
  writeF32,
} from '../futures/process_pool_frames.js';
import type { ProcessWorkerPayload } from '../futures/process_pool_worker.js';
import { _becomeChild, Process } from '../multiprocessing/process.js';
import { decodeError, encodeError } from './error_wire.js';
import { inheritLoaders } from './loaders.js';
import { decode } from './marshal.js';
import { watchParent } from './parent_watch.js';
import { resolveTaskRef, type TaskRef } from './task_ref.js';
import { encodeOutcome, invokeTask, isThenable, readHooks, wireHooks } from './task_runner.js';

watchParent();

/** A task read from the pipe, not started yet. */
interface Pending {
  slot: number;
  fnId: number;
  flags: number;
  args: unknown;
  /** The arguments hold functions to resolve first. */
  special: boolean;
}

const out = new WireWriter();
const frames = new FrameReader();
const reader = new WireReader(Buffer.alloc(0));
const fns = new Map<number, Function>();
const resolving = new Map<number, Promise<Function>>();
let pending: Pending[] = [];
let pendingHead = 0;
/** Slots read and not started, and those asked to stop before they started. */
const queued = new Set<number>();
const skip = new Set<number>();
/** Running tasks by slot, with their abort controller once one was needed. */
const live = new Map<number, AbortController | undefined>();
let concurrency = 1;
let running = 0;
/** A task is waiting for its function's module or its arguments: later ones wait behind it. */
let blocked = false;
let unflushed = 0;
let oldestUnflushed = 0;
let pipe: Socket | undefined;

process.once('message', (m: { t?: string; payload?: ProcessWorkerPayload }) => {
  if (m?.t === 'pool-start' && m.payload) void start(m.payload);
});

async function start(p: ProcessWorkerPayload): Promise<void> {
  concurrency = p.concurrency;
  const self = Object.create(Process.prototype) as Process;
  _becomeChild(self, {
    name: p.name,
    daemon: true,
    identity: p.identity,
    parentName: p.parentName,
    args: [],
    kwargs: undefined,
  });
  pipe = new Socket({ fd: 4, readable: true, writable: true });
  pipe.on('error', () => process.exit(1));
  try {
    await inheritLoaders();
    if (p.initializer) {
      const init = await resolveTaskRef(p.initializer);
      await init(...((await decode(p.initargs)) as unknown[]));
    }
  } catch (err) {
    const at = beginFrame(out, K_INIT_ERROR);
    encodeValue(out, encodeError(err), wireHooks, 'error');
    endFrame(out, at);
    pipe.end(takeBytes(out), () => process.exit(1));
    return;
  }
  // The pool ends a child by closing the pipe (and the IPC channel): that is a normal exit.
  process.exitCode = 0;
  pipe.on('end', () => {
    flush();
    process.exit(0);
  });
  pipe.on('data', (chunk: Buffer) => {
    frames.push(chunk, onRecord);
    pump();
  });
}

function onRecord(buf: Buffer, start: number, _end: number): void {
  const kind = buf[start];
  const slot = buf.readUInt32LE(start + 1);
  if (kind === K_ABORT) {
    reader.buf = buf;
    reader.pos = start + 5;
    abort(slot, decodeError(reader.read(readHooks)));
    return;
  }
  if (kind !== K_TASK) return;
  const fnId = buf.readUInt32LE(start + 5);
  const flags = buf[start + 9]!;
  reader.buf = buf;
  reader.pos = start + 10;
  if (flags & F_TIMEOUT) reader.pos += 8;
  if (flags & F_DEFINE) define(fnId, JSON.parse(reader.string()) as TaskRef);
  reader.sawSpecial = false;
  const args = reader.read(readHooks);
  pending.push({ slot, fnId, flags, args, special: reader.sawSpecial });
  queued.add(slot);
}

function define(fnId: number, ref: TaskRef): void {
  const p = resolveTaskRef(ref);
  resolving.set(fnId, p);
  p.then(
    (fn) => {
      fns.set(fnId, fn);
      resolving.delete(fnId);
    },
    () => {},
  );
}

/** The pool asks to stop a task: skip it if it has not started, else abort its signal. */
function abort(slot: number, reason: unknown): void {
  if (queued.has(slot)) {
    skip.add(slot);
    return;
  }
  if (!live.has(slot)) return;
  let c = live.get(slot);
  if (!c) live.set(slot, (c = new AbortController()));
  if (!c.signal.aborted) c.abort(reason);
}

/** Starts the tasks it can, in order; writes what finished. */
function pump(): void {
  while (!blocked && running < concurrency && pendingHead < pending.length) {
    const t = pending[pendingHead++]!;
    queued.delete(t.slot);
    if (skip.delete(t.slot)) {
      writeResult(t.slot, R_SKIPPED, undefined, 0);
      continue;
    }
    const fn = fns.get(t.fnId);
    if (!fn || t.special) {
      blocked = true;
      void prepare(t, fn).then(() => {
        blocked = false;
        pump();
      });
      break;
    }
    run(t, fn, t.args as unknown[]);
    if (unflushed >= 256 || performance.now() - oldestUnflushed > 1) flush();
  }
  if (pendingHead === pending.length) {
    pending = [];
    pendingHead = 0;
  }
  flush();
}

/** Loads what a task needs (its function's module, functions in its arguments), then runs it. */
async function prepare(t: Pending, known: Function | undefined): Promise<void> {
  let fn: Function;
  let args: unknown[];
  try {
    fn =
      known ??
      (await (resolving.get(t.fnId) ??
        Promise.reject(new Error(`weft pool child: unknown function ${t.fnId}`))));
    args = (t.special ? await decode(t.args) : t.args) as unknown[];
  } catch (err) {
    writeResult(t.slot, R_ERROR, err, 0);
    return;
  }
  run(t, fn, args);
}

function run(t: Pending, fn: Function, args: unknown[]): void {
  const slot = t.slot;
  if (t.flags & F_NOTIFY) {
    const at = beginFrame(out, K_START);
    out.u32(slot);
    endFrame(out, at);
    flush();
  }
  live.set(slot, undefined);
  const signal = (): AbortSignal => {
    let c = live.get(slot);
    if (!c) live.set(slot, (c = new AbortController()));
    return c.signal;
  };
  const chunk = t.flags & F_CHUNK ? (t.flags & F_SINGLE ? 2 : 1) : 0;
  const started = performance.now();
  let result: unknown;
  try {
    result = invokeTask(fn, args, chunk, signal);
  } catch (err) {
    finish(slot, R_ERROR, err, started);
    return;
  }
  if (!isThenable(result)) {
    finish(slot, R_OK, result, started);
    return;
  }
  running++;
  result.then(
    (v) => {
      running--;
      finish(slot, R_OK, v, started);
      pump();
    },
    (e) => {
      running--;
      finish(slot, R_ERROR, e, started);
      pump();
    },
  );
}

function finish(slot: number, status: number, value: unknown, started: number): void {
  live.delete(slot);
  writeResult(slot, status, value, performance.now() - started);
}

function writeResult(slot: number, status: number, value: unknown, runMs: number): void {
  const at = beginFrame(out, K_RESULT);
  out.u32(slot);
  const statusAt = out.pos;
  out.u8(status);
  writeF32(out, runMs);
  let written = encodeOutcome(out, status, value);
  if (typeof written !== 'number') {
    written = R_ERROR;
    encodeValue(
      out,
      encodeError(
        new ArgumentTypeError(
          'the result is shared memory, which cannot be sent to another process: return plain values',
        ),
      ),
      wireHooks,
      'result',
    );
  }
  out.buf[statusAt] = written;
  endFrame(out, at);
  if (unflushed++ === 0) oldestUnflushed = performance.now();
}

function flush(): void {
  if (out.pos === 0 || !pipe) return;
  unflushed = 0;
  pipe.write(takeBytes(out));
}
