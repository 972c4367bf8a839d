/**
 * The entry point of a thread-pool worker.
 *
 * It reads task records from its channel's task ring, runs them, and writes result records to
 * the result ring; the pool is woken only when it sleeps (one notify per batch, not per
 * task). Between tasks the worker polls its ring for a short while (a wake costs tens of
 * microseconds, a poll nanoseconds), then waits with `Atomics.waitAsync`, so its event loop
 * keeps running for tasks that await.
 */
import { getHeapStatistics } from 'node:v8';
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { waitAsync } from '../_internal/futex.js';
import { adoptRegistry, type RegistryBuffers, setIsolateIdent } from '../_internal/registry.js';
import { NEEDS_PORT, WireReader, WireWriter } from '../_internal/wire.js';
import { TimeoutError } from '../errors.js';
import {
  ABORTING,
  Channel,
  DONE,
  F_CHUNK,
  F_DEFINE,
  F_PORT,
  F_SINGLE,
  F_TIMEOUT,
  HEAP_MB,
  P_EPOCH,
  P_WAITING,
  QUEUED,
  R_ERROR,
  R_OK,
  R_SKIPPED,
  R_TIMEOUT,
  READY,
  RUNNING,
  SPINNING,
} from '../futures/pool_channel.js';
import { decodeError, encodeError } from './error_wire.js';
import { inheritLoaders } from './loaders.js';
import { decode, encode, loadSharedTypes } from './marshal.js';
import { resolveTaskRef, type TaskRef } from './task_ref.js';
import { encodeOutcome, invokeTask, isThenable, readHooks } from './task_runner.js';

interface PoolWorkerData {
  weftPoolWorker: true;
  channel: SharedArrayBuffer;
  pool: SharedArrayBuffer;
  port: MessagePort;
  registry: RegistryBuffers;
  ident: number;
  epoch: number;
  concurrency: number;
  spinMs: number;
  initializer?: TaskRef | undefined;
  initargs?: unknown;
}

const data = workerData as PoolWorkerData;
adoptRegistry(data.registry);
setIsolateIdent(data.ident);

const ch = new Channel(data.channel);
const poolWords = new Int32Array(data.pool);
const port = data.port;
const fns = new Map<number, Function>();
const resolving = new Map<number, Promise<Function>>();
const writer = new WireWriter();
const reader = new WireReader(ch.tasks.data);
const now = (): number => Date.now() - data.epoch;

/**
 * A map chunk's items, when they are numbers, and its results: reused from chunk to chunk, as
 * they serve only while the chunk's calls are made (a chunk that cannot start at once gets
 * copies).
 */
const chunkItems: unknown[] = [];
const chunkResults: unknown[] = [];

let running = 0;
let unpublished = 0;
/** Bytes of the result records written since the last publish. */
let unpublishedBytes = 0;
let heapCheckedAt = 0;
/** weft's shared-object classes, loaded the first time a task's arguments may hold one. */
let sharedTypes: Promise<unknown> | undefined;
/** Abort controllers of running tasks that asked for a signal or have a timeout, by slot. */
const controllers = new Map<number, AbortController>();
let wakeOnCompletion: (() => void) | undefined;

function nextPortMessage(): any {
  const m = receiveMessageOnPort(port);
  if (!m)
    throw new Error('weft pool worker: a task record announced a message that did not arrive');
  return m.message;
}

/** Writes one result record; large or shared values go through the port. */
function writeResult(slot: number, status: number, value: unknown, runMs: number): void {
  writer.reset();
  const written = encodeOutcome(writer, status, value);
  let viaPort = written === NEEDS_PORT;
  if (written !== NEEDS_PORT) status = written;
  if (!viaPort && writer.pos + 16 > ch.results.capacity / 2) viaPort = true;
  if (viaPort) {
    port.postMessage({
      slot,
      value: status === R_ERROR ? encodeError(value) : encode(value, 'result'),
    });
    writer.reset();
  }
  const len = 9 + writer.pos;
  let at = ch.results.reserve(len);
  while (at < 0) {
    publish();
    Atomics.wait(ch.results.words, 1, Atomics.load(ch.results.words, 1), 1);
    at = ch.results.reserve(len);
  }
  const d = ch.results.data;
  d.writeUInt32LE(slot, at);
  d[at + 4] = status | (viaPort ? 0x80 : 0);
  d.writeFloatLE(runMs, at + 5);
  writer.buf.copy(d, at + 9, 0, writer.pos);
  unpublished++;
  unpublishedBytes += len;
}

function publish(): void {
  if (unpublished === 0) return;
  ch.results.publish();
  Atomics.add(ch.control, DONE, unpublished);
  unpublished = 0;
  unpublishedBytes = 0;
  const t = performance.now();
  if (t - heapCheckedAt > 100) {
    heapCheckedAt = t;
    ch.control[HEAP_MB] = Math.round(getHeapStatistics().used_heap_size / 1048576);
  }
  if (Atomics.load(poolWords, P_WAITING) === 1) {
    Atomics.add(poolWords, P_EPOCH, 1);
    Atomics.notify(poolWords, P_EPOCH);
  }
}

function finishAsync(
  slot: number,
  started: number,
  timedOut: { v: boolean },
  ok: boolean,
  value: unknown,
): void {
  running--;
  controllers.delete(slot);
  // A task that timed out was reported already; now its slot may be reused.
  writeResult(
    slot,
    timedOut.v ? R_SKIPPED : ok ? R_OK : R_ERROR,
    timedOut.v ? undefined : value,
    performance.now() - started,
  );
  publish();
  wakeOnCompletion?.();
}

/** Starts the task in the record at `off`; a promise if it must first load its function or arguments. */
function startRecord(off: number): Promise<void> | undefined {
  const d = ch.tasks.data;
  const slot = d.readUInt32LE(off);
  const fnId = d.readUInt32LE(off + 4);
  const flags = d[off + 8]!;
  let p = off + 9;
  let timeout: number | undefined;
  if (flags & F_TIMEOUT) {
    timeout = d.readDoubleLE(p);
    p += 8;
  }
  if (flags & F_DEFINE) {
    const def = nextPortMessage() as { fn: number; ref: TaskRef };
    const pending = resolveTaskRef(def.ref);
    resolving.set(def.fn, pending);
    pending.then(
      (fn) => {
        fns.set(def.fn, fn);
        resolving.delete(def.fn);
      },
      () => {},
    );
  }
  let args: unknown;
  let special = false;
  if (flags & F_PORT) {
    args = nextPortMessage().args;
    special = true;
    // Arguments that came through the port may hold shared objects: load their classes.
    sharedTypes ??= loadSharedTypes();
  } else {
    reader.pos = p;
    reader.sawSpecial = false;
    args = (flags & F_CHUNK && reader.readNumbersInto(chunkItems)) || reader.read(readHooks);
    special = reader.sawSpecial;
  }
  const chunk = flags & F_CHUNK ? (flags & F_SINGLE ? 2 : 1) : 0;
  const fn = fns.get(fnId);
  if (fn && !special) {
    run(slot, fn, args as unknown[], timeout, chunk);
    return undefined;
  }
  if (args === chunkItems) args = chunkItems.slice();
  return (async () => {
    let f: Function;
    let a: unknown[];
    try {
      f =
        fn ??
        (await (resolving.get(fnId) ??
          Promise.reject(new Error(`weft pool worker: unknown function ${fnId}`))));
      if (sharedTypes) await sharedTypes;
      a = (special ? await decode(args) : args) as unknown[];
    } catch (err) {
      if (claim(slot)) writeResult(slot, R_ERROR, err, 0);
      publish();
      return;
    }
    run(slot, f, a, timeout, chunk);
  })();
}

/** Moves a slot from QUEUED to RUNNING; false (and a SKIPPED record) if it was cancelled. */
function claim(slot: number): boolean {
  if (Atomics.compareExchange(ch.slots, 2 * slot, QUEUED, RUNNING) === QUEUED) return true;
  writeResult(slot, R_SKIPPED, undefined, 0);
  return false;
}

/** Runs a task: `fn(...args)`, or for a map chunk (`chunk` 1, or 2 for single items) `fn` over each item. */
function run(
  slot: number,
  fn: Function,
  args: unknown[],
  timeout: number | undefined,
  chunk: number,
): void {
  ch.slots[2 * slot + 1] = now();
  if (!claim(slot)) return;
  const started = performance.now();
  let controller: AbortController | undefined;
  const signal = (): AbortSignal => {
    if (!controller) {
      controller = new AbortController();
      controllers.set(slot, controller);
    }
    return controller.signal;
  };
  let result: unknown;
  try {
    result = invokeTask(fn, args, chunk, signal, chunk ? chunkResults : undefined);
  } catch (err) {
    controllers.delete(slot);
    if (chunk) scrub(chunkResults);
    writeResult(slot, R_ERROR, err, performance.now() - started);
    return;
  }
  if (!isThenable(result)) {
    controllers.delete(slot);
    writeResult(slot, R_OK, result, performance.now() - started);
    if (chunk) scrub(chunkResults);
    return;
  }
  // A chunk's promise (`Promise.all`) has taken its results out of `chunkResults` already.
  if (chunk) scrub(chunkResults);
  running++;
  const timedOut = { v: false };
  if (timeout !== undefined) {
    signal();
    const timer = setTimeout(() => {
      timedOut.v = true;
      const reason = new TimeoutError(`the task did not finish within ${timeout} ms`);
      controllers.get(slot)?.abort(reason);
      writeResult(slot, R_TIMEOUT, encodeError(reason), performance.now() - started);
      publish();
    }, timeout);
    (result as Promise<unknown>).then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
  }
  result.then(
    (v) => finishAsync(slot, started, timedOut, true, v),
    (e) => finishAsync(slot, started, timedOut, false, e),
  );
}

/** Lets go of what a chunk returned, unless numbers (kept until the next chunk writes over them). */
function scrub(results: unknown[]): void {
  for (let i = 0; i < results.length; i++) {
    if (typeof results[i] !== 'number') {
      results.fill(0);
      return;
    }
  }
}

/** Aborts running tasks the pool asked to stop. */
function checkAborts(): void {
  for (const [slot, c] of controllers) {
    if (Atomics.load(ch.slots, 2 * slot) === ABORTING && !c.signal.aborted)
      c.abort(
        decodeError({
          $weftError: 1,
          name: 'CancelledError',
          message: 'the task was cancelled while running',
        }),
      );
  }
}

/** Runs every published task it can (up to the concurrency limit); returns how many it read. */
/** Results written are published once they add up to this many bytes, if not before. */
const PUBLISH_BYTES = 32 * 1024;

async function pump(): Promise<number> {
  let n = 0;
  while (running < data.concurrency) {
    const off = ch.tasks.next();
    if (off < 0) break;
    n++;
    const wait = startRecord(off);
    // Give the records' space back and the results to the pool in small batches (or as soon
    // as they are large: a map's chunks), so the pool refills the ring, and reads results,
    // while this worker goes on.
    if ((n & 31) === 0 || unpublishedBytes >= PUBLISH_BYTES) {
      ch.tasks.release();
      publish();
    }
    if (wait) {
      ch.tasks.release();
      publish();
      await wait;
    }
  }
  ch.tasks.release();
  if (n) publish();
  return n;
}

function spin(): boolean {
  if (data.spinMs <= 0) return false;
  ch.control[SPINNING] = 1;
  const until = performance.now() + data.spinMs;
  try {
    for (;;) {
      for (let i = 0; i < 256; i++) if (!ch.tasks.empty()) return true;
      if (performance.now() > until) return false;
    }
  } finally {
    ch.control[SPINNING] = 0;
  }
}

/** Sleeps (keeping the event loop alive) until tasks arrive or, if tasks run, one finishes. */
async function sleepUntilWork(): Promise<void> {
  const head = ch.tasks.prepareWait();
  if (head === undefined) return;
  await untilHeadMovesOrCompletion(head);
  ch.tasks.doneWaiting();
}

/**
 * Waits until the pool notifies the task ring's HEAD (new records, or a poke to look for
 * tasks asked to stop) or, if tasks run, one of them finishes.
 */
async function untilHeadMovesOrCompletion(head: number): Promise<void> {
  const arrived = waitAsync(
    ch.tasks.words,
    ch.tasks.headIndex,
    head,
    running > 0 ? 100 : undefined,
  );
  if (running === 0) {
    await arrived;
    return;
  }
  await Promise.race([arrived, new Promise<void>((r) => (wakeOnCompletion = r))]);
  wakeOnCompletion = undefined;
}

async function loop(): Promise<never> {
  for (;;) {
    checkAborts();
    if ((await pump()) > 0) {
      if (running > 0) await new Promise<void>((r) => setImmediate(r));
      continue;
    }
    if (running >= data.concurrency) {
      // Full: records may be waiting, but only a finished task (or a poke) lets us go on.
      await untilHeadMovesOrCompletion(Atomics.load(ch.tasks.words, ch.tasks.headIndex));
      continue;
    }
    if (running === 0 && spin()) continue;
    await sleepUntilWork();
  }
}

async function main(): Promise<void> {
  await inheritLoaders();
  ch.tasks.attachConsumer();
  ch.results.attachProducer();
  if (data.initializer) {
    try {
      const init = await resolveTaskRef(data.initializer);
      await init(...((await decode(data.initargs)) as unknown[]));
    } catch (err) {
      port.postMessage({ initError: encodeError(err) });
      port.close();
      process.exit(1);
    }
  }
  Atomics.store(ch.control, READY, 1);
  await loop();
}

void main();
