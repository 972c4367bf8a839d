/**
 * The broker: the object server of one process tree. It runs in a worker thread of the
 * tree's root process (see `start.ts`), listens on a Unix domain socket, authenticates every
 * peer with the tree's authkey (the managers' handshake), and serves the objects it holds to
 * the processes and threads of the tree. Calls run concurrently and are answered as they
 * finish; the replies of one turn of the event loop go out in one frame.
 */
import { setMaxListeners } from 'node:events';
import { unlinkSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { deserialize } from 'node:v8';
import { TIMED_OUT, within } from '../../_internal/deadline.js';
import { RuntimeError } from '../../errors.js';
import { FramedSocket } from '../../managers/connection.js';
import { serverHandshake } from '../../managers/handshake.js';
import { encodeError } from '../../runtime/error_wire.js';
import type { Spec } from './proxy.js';
import { ServedBarrier } from './served/barrier.js';
import { ServedCondition } from './served/condition.js';
import { ServedDict, ServedList } from './served/containers.js';
import { ServedEvent } from './served/event.js';
import { ServedLock } from './served/lock.js';
import { ServedPipeEnd } from './served/pipe_end.js';
import { ServedQueue } from './served/queue.js';
import { ServedSemaphore } from './served/semaphore.js';
import { Call, Owner, type Peer, type Served } from './served/served.js';
import { ServedValues } from './served/shared_values.js';
import {
  decodeFrameBody,
  encodeFrameBody,
  MAX_MESSAGE,
  type Message,
  READY,
  Role,
  Status,
} from './wire.js';

/** Milliseconds a peer has to authenticate and say who it is. */
const HANDSHAKE_MS = 10_000;
/** The reason a cancelled call's waits reject with (never seen by the caller). */
const CANCELLED = Symbol('cancelled');

/** One authenticated peer: a thread of a process of the tree (or its sync helper). */
class PeerConnection implements Peer {
  readonly #controller = new AbortController();
  readonly signal: AbortSignal = this.#controller.signal;
  /** Calls still running, by request id, so that they can be cancelled. */
  readonly pending = new Map<number, Call>();
  #out: Message[] = [];
  #flushing = false;
  /** Messages dispatched so far (counted on a thread's own connection). */
  processed = 0;

  constructor(
    readonly server: BrokerServer,
    readonly conn: FramedSocket,
    readonly owner: Owner,
    /** The thread's own connection, not its sync helper's. */
    readonly isAsync: boolean,
  ) {
    // Every call that waits listens for this connection's end.
    setMaxListeners(0, this.signal);
  }

  serve(): void {
    this.conn.receive(MAX_MESSAGE, (frame) => {
      let messages: Message[];
      try {
        messages = decodeFrameBody(frame);
      } catch (err) {
        this.conn.destroy(err as Error);
        return;
      }
      for (const m of messages) {
        const after = m[4] as number | undefined;
        const run = (): void =>
          this.#dispatch(m[0] as number, m[1] as number, m[2] as string, m[3] as unknown[]);
        if (after) this.owner.afterAsync(after, run);
        else run();
        if (this.isAsync) {
          this.processed++;
          this.owner.progressed(this.processed);
        }
      }
    });
  }

  closed(): void {
    this.#controller.abort(new RuntimeError('the connection to the broker closed'));
  }

  #dispatch(id: number, target: number, method: string, args: unknown[]): void {
    let call: Call | undefined;
    let result: unknown;
    try {
      if (target === 0) result = this.server.brokerCall(this, method, args);
      else {
        const obj = this.server.object(target);
        call = new Call(this, this.owner);
        result = obj.call(call, method, args);
      }
    } catch (err) {
      this.reply(id, Status.Failed, encodeError(err));
      return;
    }
    if (!(result instanceof Promise)) {
      if (id !== 0) this.reply(id, Status.Ok, result);
      return;
    }
    if (call && id !== 0) this.pending.set(id, call);
    result.then(
      (value) => {
        this.pending.delete(id);
        if (id !== 0) this.reply(id, Status.Ok, value);
      },
      (err) => {
        this.pending.delete(id);
        if (err === CANCELLED) this.reply(id, Status.Cancelled, undefined);
        else this.reply(id, Status.Failed, encodeError(err));
      },
    );
  }

  /** Cancels request `id` if it still waits; it is then answered `Cancelled`. */
  cancel(id: number): void {
    const call = this.pending.get(id);
    if (call?.cancellable) call.cancel(CANCELLED);
  }

  /**
   * Queues a reply; the replies made before the microtasks of this turn run out go together.
   * A failed one-way call is reported as id 0.
   */
  reply(id: number, status: number, value: unknown): void {
    if (id === 0 && status === Status.Ok) return;
    this.#out.push([id, status, value]);
    if (!this.#flushing) {
      this.#flushing = true;
      queueMicrotask(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#flushing = false;
    const out = this.#out;
    this.#out = [];
    if (this.conn.isClosed) return;
    try {
      this.conn.send(encodeFrameBody(out));
    } catch (err) {
      // A result that cannot be serialized fails its own calls, not the connection.
      for (const m of out) {
        try {
          this.conn.send(encodeFrameBody([m]));
        } catch (e) {
          this.conn.send(encodeFrameBody([[m[0], Status.Failed, encodeError(e ?? err)]]));
        }
      }
    }
  };
}

/** The tree's object server. */
export class BrokerServer {
  readonly #listener: NetServer;
  readonly #authkey: Buffer;
  readonly #objects = new Map<number, Served>();
  readonly #owners = new Map<string, Owner>();
  /** Live connections per process id. */
  readonly #pids = new Map<number, number>();
  readonly #pipeEnds = new Set<ServedPipeEnd>();
  private constructor(listener: NetServer, authkey: Buffer) {
    this.#listener = listener;
    this.#authkey = authkey;
    listener.on('connection', (socket) => void this.#accept(socket));
  }

  /** Listens on the Unix socket at `path` (removing a stale file there first). */
  static listen(path: string, authkey: Buffer): Promise<BrokerServer> {
    try {
      unlinkSync(path);
    } catch {}
    const listener = createServer();
    const server = new BrokerServer(listener, authkey);
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(path, () => {
        listener.off('error', reject);
        resolve(server);
      });
    });
  }

  /** Stops listening and removes the socket file. */
  close(): void {
    this.#listener.close();
  }

  object(id: number): Served {
    const obj = this.#objects.get(id);
    if (!obj) throw new RuntimeError(`the object #${id} is gone: its manager was shut down`);
    return obj;
  }

  async #accept(socket: Socket): Promise<void> {
    const conn = new FramedSocket(socket);
    let owner: Owner;
    let pid: number;
    let tid: number;
    let role: number;
    try {
      const hello = await within(
        serverHandshake(conn, this.#authkey).then(() => conn.read()),
        HANDSHAKE_MS,
        undefined,
      );
      if (hello === TIMED_OUT) throw new Error('the peer did not authenticate in time');
      [pid, tid, role] = deserialize(hello) as [number, number, number];
      if (!Number.isInteger(pid) || !Number.isInteger(tid)) throw new Error('a malformed hello');
      owner = this.#ownerOf(pid, tid);
    } catch (err) {
      conn.destroy(err as Error);
      return;
    }
    const peer = new PeerConnection(this, conn, owner, role === Role.Own);
    if (peer.isAsync) owner.asyncPeer = peer;
    owner.connections++;
    this.#pids.set(owner.pid, (this.#pids.get(owner.pid) ?? 0) + 1);
    peer.serve();
    // Only now may the peer send requests: until `serve()`, the socket takes no more than a
    // handshake's worth of bytes ahead.
    conn.send(READY);
    await conn.closed;
    peer.closed();
    if (owner.asyncPeer === peer) {
      owner.asyncPeer = undefined;
      owner.progressed(Number.POSITIVE_INFINITY);
    }
    if (--owner.connections === 0) this.#ownerGone(owner);
    const left = this.#pids.get(owner.pid)! - 1;
    if (left > 0) this.#pids.set(owner.pid, left);
    else {
      this.#pids.delete(owner.pid);
      this.#pidGone(owner.pid);
    }
  }

  #ownerOf(pid: number, tid: number): Owner {
    const key = `${pid}:${tid}`;
    let owner = this.#owners.get(key);
    if (!owner) {
      owner = new Owner(pid, tid);
      this.#owners.set(key, owner);
    }
    return owner;
  }

  #ownerGone(owner: Owner): void {
    this.#owners.delete(owner.key);
    for (const obj of [...owner.holdings]) obj.ownerGone?.(owner);
    owner.holdings.clear();
  }

  #pidGone(pid: number): void {
    for (const end of this.#pipeEnds) end.pidGone(pid);
    for (const end of this.#pipeEnds) if (end.closed && end.peer.closed) this.#forgetPipe(end);
  }

  #forgetPipe(end: ServedPipeEnd): void {
    for (const [id, obj] of this.#objects)
      if (obj === end || obj === end.peer) this.#objects.delete(id);
    this.#pipeEnds.delete(end);
    this.#pipeEnds.delete(end.peer);
  }

  #lock(id: number): ServedLock {
    const lock = this.object(id);
    if (!(lock instanceof ServedLock)) throw new TypeError(`object #${id} is not a lock`);
    return lock;
  }

  /** The broker's own requests (object 0). */
  brokerCall(peer: PeerConnection, method: string, args: unknown[]): unknown {
    switch (method) {
      case 'create':
        for (const spec of args[0] as Spec[]) if (!this.#objects.has(spec[0])) this.#create(spec);
        return undefined;
      case 'cancel':
        peer.cancel(args[0] as number);
        return undefined;
      case 'attach':
        for (const id of args[0] as number[])
          (this.#objects.get(id) as ServedPipeEnd | undefined)?.hold(peer.owner.pid);
        return undefined;
      case 'expect':
        for (const id of args[0] as number[])
          (this.#objects.get(id) as ServedPipeEnd | undefined)?.hold(args[1] as number);
        return undefined;
      case 'gone':
        if (!this.#pids.has(args[0] as number)) this.#pidGone(args[0] as number);
        return undefined;
      case 'drop': {
        const reason = new RuntimeError('the manager that made this object was shut down');
        for (const id of args[0] as number[]) {
          this.#objects.get(id)?.dispose?.(reason);
          this.#objects.delete(id);
        }
        return undefined;
      }
      default:
        throw new TypeError(`the broker has no request '${method}'`);
    }
  }

  /** Makes the object a spec describes (with the lock it names, which exists already). */
  #create([id, kind, ...a]: Spec): void {
    let obj: Served;
    switch (kind) {
      case 'Lock':
      case 'RLock':
        obj = new ServedLock(kind === 'RLock');
        break;
      case 'Semaphore':
        obj = new ServedSemaphore(a[0] as number, a[1] as number, a[2] as boolean);
        break;
      case 'Event':
        obj = new ServedEvent();
        break;
      case 'Condition':
        obj = new ServedCondition(this.#lock(a[0] as number));
        break;
      case 'Barrier':
        obj = new ServedBarrier(a[0] as number, a[1] as boolean);
        break;
      case 'Queue':
        obj = new ServedQueue(a[0] as number);
        break;
      case 'Values':
        obj = new ServedValues(a[0] as unknown[], a[1] ? this.#lock(a[1] as number) : undefined);
        break;
      case 'Pipe': {
        const [x, y] = ServedPipeEnd.pair(a[1] as number);
        this.#pipeEnds.add(x);
        this.#pipeEnds.add(y);
        this.#objects.set(a[0] as number, y);
        obj = x;
        break;
      }
      case 'dict':
      case 'Namespace':
        obj = new ServedDict(kind, a[0] as [unknown, Uint8Array][]);
        break;
      case 'list':
        obj = new ServedList(a[0] as Uint8Array[]);
        break;
      default:
        throw new TypeError(`the broker cannot make a '${kind}'`);
    }
    this.#objects.set(id, obj);
  }
}
