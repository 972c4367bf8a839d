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

/** One thread's connection to one broker. */
export class BrokerClient {
  readonly #address: string;
  /** The thread the broker records as the caller (a sync helper speaks for its creator). */
  readonly #tid: number;
  readonly #role: number;
  #conn: FramedSocket | undefined;
  #connecting: Promise<FramedSocket> | undefined;
  #out: Message[] = [];
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

  #queue(message: Message): void {
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
