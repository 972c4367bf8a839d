/**
 * The pool's side of one worker: the Worker, its channel, its MessagePort, and the tasks it
 * has in flight by slot.
 */
import {
  MessageChannel,
  type MessagePort,
  type ResourceLimits,
  receiveMessageOnPort,
  SHARE_ENV,
  Worker,
} from 'node:worker_threads';
import { claimIdent, markEnded, registryBuffers, setNativeId } from '../_internal/registry.js';
import type { WireWriter } from '../_internal/wire.js';
import type { TaskRef } from '../runtime/task_ref.js';
import {
  Channel,
  F_DEFINE,
  F_PORT,
  F_TIMEOUT,
  FREE,
  QUEUED,
  READY,
  SLOTS,
} from './pool_channel.js';
import type { PoolTask as AnyPoolTask } from './pool_task.js';

/** A task of the thread pool: its worker is a {@link PoolWorker}. */
export type PoolTask = AnyPoolTask<any, PoolWorker>;

export interface PoolWorkerOptions {
  name: string;
  pool: SharedArrayBuffer;
  epoch: number;
  concurrency: number;
  spinMs: number;
  initializer: TaskRef | undefined;
  initargs: unknown;
  resourceLimits: ResourceLimits | undefined;
}

export class PoolWorker {
  readonly worker: Worker;
  readonly channel = Channel.create();
  readonly port: MessagePort;
  readonly ident: number;
  /** The task in each slot, while it is in flight. */
  readonly #bySlot: (PoolTask | undefined)[] = new Array(SLOTS).fill(undefined);
  #count = 0;
  readonly #free: number[] = [];
  /** Functions this worker has been told about. */
  readonly defined = new Set<number>();
  /** Tasks dispatched to it over its life (for recycling). */
  dispatched = 0;
  /** Moving average of its tasks' run time, ms (undefined until one finished). */
  avgRunMs: number | undefined;
  /** No new tasks: it exits once its in-flight ones are done. */
  retiring = false;
  /** Records reserved since the last publish. */
  dirty = false;
  idleSince = performance.now();
  exited = false;

  constructor(script: URL, opts: PoolWorkerOptions) {
    for (let s = SLOTS - 1; s >= 0; s--) this.#free.push(s);
    this.channel.tasks.attachProducer();
    this.channel.results.attachConsumer();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.ident = claimIdent(opts.name);
    this.worker = new Worker(script, {
      workerData: {
        weftPoolWorker: true,
        channel: this.channel.buffer,
        pool: opts.pool,
        port: port2,
        registry: registryBuffers(),
        ident: this.ident,
        epoch: opts.epoch,
        concurrency: opts.concurrency,
        spinMs: opts.spinMs,
        initializer: opts.initializer,
        initargs: opts.initargs,
      },
      transferList: [port2],
      env: SHARE_ENV,
      resourceLimits: opts.resourceLimits,
      name: opts.name,
    });
    this.worker.unref();
    setNativeId(this.ident, this.worker.threadId);
  }

  /** True once its initializer ran and it reads tasks. */
  get ready(): boolean {
    return Atomics.load(this.channel.control, READY) === 1;
  }

  /** Tasks in flight on this worker. */
  get inflightCount(): number {
    return this.#count;
  }

  /** The task in `slot`, if any. */
  taskAt(slot: number): PoolTask | undefined {
    return this.#bySlot[slot];
  }

  /** Every task in flight, with its slot. */
  *inflight(): IterableIterator<[number, PoolTask]> {
    if (this.#count === 0) return;
    for (let s = 0; s < SLOTS; s++) {
      const t = this.#bySlot[s];
      if (t) yield [s, t];
    }
  }

  /** How many more tasks it should be given now. */
  room(cap: number): number {
    return this.retiring || this.exited ? 0 : Math.min(cap, SLOTS) - this.#count;
  }

  /**
   * Writes `task` into the ring, with its arguments encoded in `payload` (`undefined`: they go
   * through the port). Returns false if the ring is full.
   */
  dispatch(task: PoolTask, payload: WireWriter | undefined): boolean {
    const viaPort = payload === undefined;
    const size = payload?.pos ?? 0;
    const define = !this.defined.has(task.fnId);
    const flags =
      (viaPort ? F_PORT : 0) |
      (define ? F_DEFINE : 0) |
      (task.timeout !== undefined ? F_TIMEOUT : 0) |
      task.chunk;
    const len = 9 + (task.timeout !== undefined ? 8 : 0) + size;
    const at = this.channel.tasks.reserve(len);
    if (at < 0) return false;
    const slot = this.#free.pop()!;
    if (define) {
      this.port.postMessage({ fn: task.fnId, ref: task.fnRef });
      this.defined.add(task.fnId);
    }
    if (viaPort) this.port.postMessage({ args: task.args });
    const d = this.channel.tasks.data;
    d.writeUInt32LE(slot, at);
    d.writeUInt32LE(task.fnId, at + 4);
    d[at + 8] = flags;
    let p = at + 9;
    if (task.timeout !== undefined) {
      d.writeDoubleLE(task.timeout, p);
      p += 8;
    }
    if (payload) payload.buf.copy(d, p, 0, size);
    // A plain write: the HEAD store that publishes the record publishes it too.
    this.channel.slots[2 * slot] = QUEUED;
    task.worker = this;
    task.slot = slot;
    this.#bySlot[slot] = task;
    this.#count++;
    this.dispatched++;
    this.dirty = true;
    return true;
  }

  /** Publishes reserved records and wakes the worker if it sleeps. */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    if (this.channel.tasks.publish())
      Atomics.notify(this.channel.tasks.words, this.channel.tasks.headIndex);
  }

  /** Wakes the worker without new records (it then looks for tasks asked to stop). */
  poke(): void {
    Atomics.notify(this.channel.tasks.words, this.channel.tasks.headIndex);
  }

  /** The task in `slot` is settled: forget it and make the slot reusable. */
  release(slot: number): PoolTask | undefined {
    const task = this.#bySlot[slot];
    if (!task) return undefined;
    this.#bySlot[slot] = undefined;
    this.channel.slots[2 * slot] = FREE;
    this.#free.push(slot);
    if (--this.#count === 0) this.idleSince = performance.now();
    return task;
  }

  /** Forgets every task (the pool broke). */
  clear(): void {
    this.#bySlot.fill(undefined);
    this.#count = 0;
  }

  /** The next message the worker sent through the port (a result too large or too shared for the ring). */
  receive(): any {
    return receiveMessageOnPort(this.port)?.message;
  }

  /** Stops the worker for good. */
  async terminate(): Promise<void> {
    this.exited = true;
    this.port.close();
    await this.worker.terminate();
    markEnded(this.ident, false);
  }
}
