/**
 * A thread's connection to its tree's broker: requests multiplexed on one authenticated Unix
 * socket, answered in completion order. The requests and one-way messages of one turn of the
 * event loop go out in one frame. The socket holds the process open only while a reply is
 * awaited or a message is still to be written, so an idle program exits.
 */
import { connect } from 'node:net';
import { serialize } from 'node:v8';
import { threadId } from 'node:worker_threads';
import { authkey } from '../../_internal/authkey.js';
import { RuntimeError } from '../../errors.js';
import { FramedSocket } from '../../managers/connection.js';
import { clientHandshake } from '../../managers/handshake.js';
import { decodeError } from '../../runtime/error_wire.js';
import {
  decodeFrameBody,
  encodeFrameBody,
  MAX_MESSAGE,
  type Message,
  READY,
  Role,
  Status,
} from './wire.js';

/** How long to keep trying to reach a broker that is still starting. */
const CONNECT_MS = 10_000;

interface Pending {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  /** The caller's signal: on abort the request is cancelled at the broker. */
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** A message that must reach the broker before this process exits (a put, a send). */
  delivery: boolean;
}

const clients = new Map<string, BrokerClient>();

/** One call of a {@link Batch}: its argument and how to settle it. */
interface BatchedCall {
  arg: unknown;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/** A batch's message while it is the last one queued and unwritten: later calls join it. */
interface OpenBatch {
  batch: Batch;
  calls: BatchedCall[];
  /** The message's own argument list (the calls' arguments, in call order). */
  args: unknown[];
  delivery: boolean;
}

/** One thread's connection to one broker. */
export class BrokerClient {
  readonly #address: string;
  /** The thread the broker records as the caller (a sync helper speaks for its creator). */
  readonly #tid: number;
  readonly #role: number;
  #conn: FramedSocket | undefined;
  #connecting: Promise<FramedSocket> | undefined;
  #out: Message[] = [];
  /**
   * The batch whose request is the last message of {@link #out}, or undefined. Any other
   * message queued after it, or the write of {@link #out}, closes it: a call joins a batch's
   * message only if no message was queued after it, so joining never reorders one thread's
   * messages (the broker serves a message's calls in order, where they would have been).
   */
  #openBatch: OpenBatch | undefined;
  #flushScheduled = false;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  #deliveries = 0;
  /** Messages written on the current connection. */
  #written = 0;
  #idle: (() => void)[] = [];

  private constructor(address: string, tid: number) {
    this.#address = address;
    this.#tid = tid;
    this.#role = tid === threadId ? Role.Own : Role.SyncHelper;
  }

  /** How many messages this thread has written on its current connection. */
  get written(): number {
    return this.#written;
  }

  /** This thread's client for the broker at `address`. `tid` is for sync helpers only. */
  static of(address: string, tid = threadId): BrokerClient {
    let c = clients.get(address);
    if (!c) {
      c = new BrokerClient(address, tid);
      clients.set(address, c);
    }
    return c;
  }

  /** Waits until every delivery of every client of this thread has reached its broker. */
  static async drainAll(): Promise<void> {
    await Promise.all([...clients.values()].map((c) => c.drain()));
  }

  /** Sends a request; resolves with the broker's reply. `signal` cancels it at the broker. */
  request(
    target: number,
    method: string,
    args: unknown[],
    signal?: AbortSignal,
    delivery = false,
    after = 0,
  ): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, signal, onAbort: undefined, delivery };
      if (signal) {
        p.onAbort = () => this.post(0, 'cancel', [id]);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      if (delivery) this.#deliveries++;
      if (this.#pending.size === 0) this.#conn?.socket.ref();
      this.#pending.set(id, p);
      this.#queue(after ? [id, target, method, args, after] : [id, target, method, args]);
    });
  }

  /** Sends a message that wants no reply (a failure is reported as a process warning). */
  post(target: number, method: string, args: unknown[]): void {
    this.#queue([0, target, method, args]);
  }

  /**
   * Takes back the one-way messages not yet written because the connection is still being
   * made, for the caller to send another way (the sync bridge sends them ahead of its own
   * request, so that they are not stuck while the thread blocks). Empty when connected.
   */
  takeUnsent(): Message[] {
    if (this.#conn) {
      this.#flush();
      return [];
    }
    const oneWay = this.#out.filter((m) => m[0] === 0);
    this.#out = this.#out.filter((m) => m[0] !== 0);
    return oneWay;
  }

  /** Sends messages made elsewhere as they are (see {@link takeUnsent}). */
  postRaw(messages: Message[]): void {
    for (const m of messages) this.#queue(m);
  }

  /** Resolves once the deliveries awaited now have been answered and everything is written. */
  drain(): Promise<void> {
    if (this.#deliveries === 0 && this.#out.length === 0 && !this.#writing())
      return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #writing(): boolean {
    return (this.#conn?.socket.writableLength ?? 0) > 0;
  }

  #checkIdle(): void {
    if (this.#deliveries > 0 || this.#out.length > 0 || this.#idle.length === 0) return;
    const waiters = this.#idle;
    this.#idle = [];
    const done = (): void => {
      for (const w of waiters) w();
    };
    if (this.#writing()) this.#conn!.socket.once('drain', done);
    else done();
  }

  /** @internal Adds `call` to the open batch's message if it is `batch`'s; false otherwise. */
  joinOpen(batch: Batch, call: BatchedCall, delivery: boolean): boolean {
    const open = this.#openBatch;
    if (open?.batch !== batch || open.delivery !== delivery) return false;
    open.calls.push(call);
    open.args.push(call.arg);
    return true;
  }

  /** @internal Sends `calls` as one request of `batch`: its message stays open to later calls. */
  sendBatch(batch: Batch, calls: BatchedCall[], delivery: boolean): Promise<unknown> {
    const args = calls.map((c) => c.arg);
    const reply = this.request(batch.target, batch.method, args, undefined, delivery);
    // `request` queued the message last (closing any open batch): it is open from here.
    this.#openBatch = { batch, calls, args, delivery };
    return reply;
  }

  #queue(message: Message): void {
    this.#openBatch = undefined;
    this.#out.push(message);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(this.#flushSoon);
  }

  readonly #flushSoon = (): void => {
    this.#flushScheduled = false;
    if (this.#conn) this.#flush();
    else void this.#connect();
  };

  #flush(): void {
    if (this.#out.length === 0) return;
    const out = this.#out;
    this.#out = [];
    this.#openBatch = undefined;
    let body: Buffer;
    try {
      body = encodeFrameBody(out);
    } catch (err) {
      for (const m of out) this.#fail(m[0] as number, err);
      return;
    }
    this.#conn!.send(body);
    this.#written += out.length;
    this.#checkIdle();
  }

  #fail(id: number, reason: unknown): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#settle(id, p);
    p.reject(reason);
  }

  #settle(id: number, p: Pending): void {
    this.#pending.delete(id);
    if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
    if (p.delivery && --this.#deliveries === 0) this.#checkIdle();
    if (this.#pending.size === 0 && this.#out.length === 0) this.#conn?.socket.unref();
  }

  #connect(): Promise<FramedSocket> {
    this.#connecting ??= this.#open().then(
      (conn) => {
        this.#conn = conn;
        this.#written = 0;
        this.#connecting = undefined;
        this.#flush();
        if (this.#pending.size === 0) conn.socket.unref();
        void conn.closed.then(() => this.#closed(conn));
        return conn;
      },
      (err) => {
        this.#connecting = undefined;
        const reason = new RuntimeError(
          `cannot reach the process broker at ${this.#address}: ${(err as Error)?.message ?? err}`,
          { cause: err },
        );
        this.#out = [];
        this.#openBatch = undefined;
        for (const [id] of this.#pending) this.#fail(id, reason);
        this.#releaseIdle();
        throw reason;
      },
    );
    this.#connecting.catch(() => {});
    return this.#connecting;
  }

  async #open(): Promise<FramedSocket> {
    const deadline = Date.now() + CONNECT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        const conn = await new Promise<FramedSocket>((resolve, reject) => {
          const socket = connect(this.#address);
          socket.once('connect', () => {
            socket.off('error', reject);
            resolve(new FramedSocket(socket));
          });
          socket.once('error', reject);
        });
        await clientHandshake(conn, authkey);
        conn.send(serialize([process.pid, this.#tid, this.#role]));
        if (!(await conn.read()).equals(READY))
          throw new Error('the broker did not say it was ready');
        conn.receive(MAX_MESSAGE, (frame) => this.#onFrame(conn, frame));
        return conn;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // The broker may still be starting (its socket not there, or not listening yet).
        if ((code !== 'ENOENT' && code !== 'ECONNREFUSED') || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  #onFrame(conn: FramedSocket, frame: Buffer): void {
    let replies: Message[];
    try {
      replies = decodeFrameBody(frame);
    } catch (err) {
      conn.destroy(err as Error);
      return;
    }
    for (const [id, status, value] of replies as [number, number, unknown][]) {
      if (id === 0) {
        process.emitWarning(
          `weft: a message to the process broker failed: ${String(decodeError(value))}`,
        );
        continue;
      }
      const p = this.#pending.get(id);
      if (!p) continue;
      this.#settle(id, p);
      if (status === Status.Ok) p.resolve(value);
      else if (status === Status.Cancelled) p.reject(p.signal?.reason);
      else p.reject(decodeError(value));
    }
  }

  #closed(conn: FramedSocket): void {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    const reason = new RuntimeError(
      'the connection to the process broker closed (did the root process exit?)',
    );
    for (const [id] of this.#pending) this.#fail(id, reason);
    this.#releaseIdle();
  }

  #releaseIdle(): void {
    const waiters = this.#idle;
    this.#idle = [];
    for (const w of waiters) w();
  }
}

/**
 * Calls of one method on one broker object that travel as one request: the calls made while
 * the batch's message is still the last one queued join it. The request's arguments are the
 * calls' arguments in order; the broker serves them in that order and answers with the
 * results of the first k ≥ 1 of them (an array), or `undefined` for "all of them, with no
 * result". The calls not answered are sent again.
 *
 * With `serial`, a batch has at most one request in flight: calls made meanwhile wait here
 * and go with the unanswered ones, after them, in the next request once the reply arrived
 * (or fail with the request if it failed).
 * So a thread's calls are served in the order they were made even when the broker answers
 * only some of a request (a queue's `getMany` takes only the items there are), and the
 * broker never holds more of a thread's calls than one request's.
 */
export class Batch {
  #inFlight = false;
  #held: BatchedCall[] = [];

  constructor(
    readonly client: BrokerClient,
    readonly target: number,
    readonly method: string,
    readonly serial: boolean,
    /** Applied to each result before its call resolves (a throw rejects that call only). */
    readonly map?: (result: unknown) => unknown,
  ) {}

  /** Makes one call; `delivery` as for {@link BrokerClient.request}. */
  call(arg: unknown, delivery = false): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call: BatchedCall = { arg, resolve, reject };
      if (this.client.joinOpen(this, call, delivery)) return;
      if (this.serial && this.#inFlight) this.#held.push(call);
      else this.#send([call], delivery);
    });
  }

  #send(calls: BatchedCall[], delivery: boolean): void {
    this.#inFlight = true;
    this.client.sendBatch(this, calls, delivery).then(
      (results) => {
        const done = results === undefined ? calls.length : (results as unknown[]).length;
        for (let i = 0; i < done; i++) {
          const call = calls[i]!;
          if (results === undefined) call.resolve(undefined);
          else if (!this.map) call.resolve((results as unknown[])[i]);
          else {
            try {
              call.resolve(this.map((results as unknown[])[i]));
            } catch (err) {
              call.reject(err);
            }
          }
        }
        this.#next(calls.slice(done), delivery);
      },
      (err) => {
        // The calls held behind a failed request fail with it: they would have been served
        // after it, when what failed it still held (a queue shut down and empty stays so; a
        // closed connection or a dropped object does not come back).
        const held = this.#held;
        this.#held = [];
        this.#inFlight = false;
        for (const call of calls) call.reject(err);
        for (const call of held) call.reject(err);
      },
    );
  }

  /** After a reply: sends the calls still unanswered and those held, or ends the flight. */
  #next(rest: BatchedCall[], delivery: boolean): void {
    const calls = this.#held.length ? rest.concat(this.#held) : rest;
    this.#held = [];
    this.#inFlight = false;
    if (calls.length) this.#send(calls, delivery);
  }
}
