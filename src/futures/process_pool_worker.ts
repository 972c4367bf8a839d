/**
 * The process pool's side of one child: the child process, the pipe to it, the records
 * waiting to be written, and the tasks it has in flight by slot.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { Socket } from 'node:net';
import { encodeValue, WireWriter } from '../_internal/wire.js';
import { _childEnv, _nextChildIdentity, currentProcess } from '../multiprocessing/process.js';
import { encodeError } from '../runtime/error_wire.js';
import { deathLinkedLaunch } from '../runtime/parent_watch.js';
import { assertNotBootstrapping, type TaskRef } from '../runtime/task_ref.js';
import { wireHooks } from '../runtime/task_runner.js';
import { F_DEFINE, F_TIMEOUT } from './pool_channel.js';
import type { ScheduledWorker } from './pool_core.js';
import type { PoolTask } from './pool_task.js';
import {
  beginFrame,
  endFrame,
  F_NOTIFY,
  FrameReader,
  K_ABORT,
  K_TASK,
  takeBytes,
  writeF64,
} from './process_pool_frames.js';

/** A task of the process pool: its worker is a {@link ProcessWorker}. */
export type ProcessTask = PoolTask<any, ProcessWorker>;

/** What the child receives over IPC to start. */
export interface ProcessWorkerPayload {
  name: string;
  identity: number[];
  parentName: string;
  concurrency: number;
  initializer: TaskRef | undefined;
  initargs: unknown;
}

const bootstrap = new URL('../runtime/process_pool_main.js', import.meta.url);

/** Every pool child still running: they are killed if this process exits first. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class ProcessWorker implements ScheduledWorker {
  readonly child: ChildProcess;
  readonly pipe: Socket;
  readonly frames = new FrameReader();
  readonly name: string;
  readonly #out = new WireWriter();
  readonly #bySlot: (ProcessTask | undefined)[] = [];
  readonly #free: number[] = [];
  #count = 0;
  #seq = 0;
  /** Functions this child has been told about. */
  readonly defined = new Set<number>();
  /** Tasks dispatched to it over its life (for recycling). */
  dispatched = 0;
  /** Moving average of its tasks' run time, ms (undefined until one finished). */
  avgRunMs: number | undefined;
  /** No new tasks: it exits once its in-flight ones are done. */
  retiring = false;
  /** The pool asked it to exit (retired, idle or shut down): its exit is no crash. */
  ending = false;
  exited = false;
  idleSince = performance.now();
  /** The initializer's error, if it failed. */
  initError: unknown;
  /** How it exited (`code` or `signal`), once it has. */
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  /** Resolves once the child has exited and its pipe is drained. */
  readonly closed: Promise<void>;

  constructor(payload: Omit<ProcessWorkerPayload, 'name' | 'identity' | 'parentName'>) {
    assertNotBootstrapping();
    const identity = _nextChildIdentity();
    this.name = `SpawnProcess-${identity.join(':')}`;
    const launch = deathLinkedLaunch();
    this.child = fork(bootstrap, [], {
      ...launch,
      serialization: 'advanced',
      stdio: ['inherit', 'inherit', 'inherit', 'ipc', 'pipe'],
      env: _childEnv(identity, launch),
    });
    live.add(this.child);
    this.pipe = this.child.stdio[4] as Socket;
    this.child.once('exit', (code, signal) => {
      this.exitCode = code;
      this.exitSignal = signal;
      live.delete(this.child);
    });
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    const start: ProcessWorkerPayload = {
      ...payload,
      name: this.name,
      identity,
      parentName: currentProcess().name,
    };
    this.child.send({ t: 'pool-start', payload: start });
    // Idle children never keep this process alive (see #hold).
    (this.child as unknown as { channel?: { unref(): void } }).channel?.unref();
    this.#hold(false);
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Tasks in flight on this child. */
  get inflightCount(): number {
    return this.#count;
  }

  /** The task in `slot`, if any. */
  taskAt(slot: number): ProcessTask | undefined {
    return this.#bySlot[slot];
  }

  /** Every task in flight, in the order it was dispatched (the order the child starts them). */
  inflight(): ProcessTask[] {
    const out: ProcessTask[] = [];
    if (this.#count === 0) return out;
    for (const t of this.#bySlot) if (t) out.push(t);
    return out.sort((a, b) => a.seq - b.seq);
  }

  room(cap: number): number {
    return this.retiring || this.exited ? 0 : cap - this.#count;
  }

  /**
   * Writes `task` as a record (sent at the next {@link flush}). Throws, leaving nothing
   * written, if its arguments cannot be encoded.
   */
  dispatch(task: ProcessTask): void {
    const w = this.#out;
    const define = !this.defined.has(task.fnId);
    const timed = task.timeout !== undefined;
    const flags =
      (define ? F_DEFINE : 0) |
      (timed ? F_TIMEOUT : 0) |
      (timed || task.signal !== undefined ? F_NOTIFY : 0) |
      task.chunk;
    const slot = this.#free.length ? this.#free.pop()! : this.#bySlot.length;
    const at = beginFrame(w, K_TASK);
    w.u32(slot);
    w.u32(task.fnId);
    w.u8(flags);
    if (timed) writeF64(w, task.timeout!);
    if (define) w.string(JSON.stringify(task.fnRef));
    try {
      encodeValue(w, task.args, wireHooks, 'args');
    } catch (err) {
      w.pos = at;
      if (slot < this.#bySlot.length) this.#free.push(slot);
      throw err;
    }
    endFrame(w, at);
    if (define) this.defined.add(task.fnId);
    this.#bySlot[slot] = task;
    task.worker = this;
    task.slot = slot;
    task.seq = this.#seq++;
    if (this.#count++ === 0) this.#hold(true);
    this.dispatched++;
  }

  /** Asks the child to stop the task in `slot` (skip it, or abort its `taskSignal()`). */
  abort(slot: number, reason: unknown): void {
    const w = this.#out;
    const at = beginFrame(w, K_ABORT);
    w.u32(slot);
    encodeValue(w, encodeError(reason), wireHooks, 'reason');
    endFrame(w, at);
    this.flush();
  }

  /** Writes the records made since the last flush, in one write. */
  flush(): void {
    if (this.#out.pos === 0 || this.exited) return;
    this.pipe.write(takeBytes(this.#out));
  }

  /** The task in `slot` is settled: forget it and make the slot reusable. */
  release(slot: number): ProcessTask | undefined {
    const task = this.#bySlot[slot];
    if (!task) return undefined;
    this.#bySlot[slot] = undefined;
    this.#free.push(slot);
    if (--this.#count === 0) {
      this.idleSince = performance.now();
      this.#hold(false);
    }
    return task;
  }

  /** Forgets every task (the child died or the pool broke). */
  clear(): void {
    this.#bySlot.length = 0;
    this.#free.length = 0;
    this.#count = 0;
    this.#hold(false);
  }

  /**
   * Keeps this process alive (or not) for the child: while it has tasks, the pipe and the
   * process handle are referenced, so that a result or the child's exit is always seen.
   */
  #hold(on: boolean): void {
    if (on) {
      this.pipe.ref();
      this.child.ref();
    } else {
      this.pipe.unref();
      this.child.unref();
    }
  }

  /** Asks the child to exit once it has read what was written: its pipe closes. */
  end(): void {
    this.ending = true;
    this.retiring = true;
    // Held until it has exited, so that `await shutdown()` is not cut short by an empty loop.
    if (this.exitCode === null && this.exitSignal === null) this.#hold(true);
    this.flush();
    this.pipe.end();
  }

  /** Ends the child at once with `signal` (SIGKILL unless told otherwise). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.exited = true;
    this.ending = true;
    if (this.exitCode === null && this.exitSignal === null) {
      this.#hold(true);
      this.child.kill(signal);
    }
  }

  /** Why the child ended, for the errors of the tasks it took with it. */
  exitReason(): Error {
    return new Error(
      this.exitSignal
        ? `process ${this.pid} was killed by ${this.exitSignal}`
        : `process ${this.pid} exited with code ${this.exitCode}`,
    );
  }
}
