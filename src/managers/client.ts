/**
 * The client's side of a connection to a manager's server: connects, authenticates both
 * ways, says hello, then carries any number of calls at once, each matched to its reply by
 * id. The socket keeps the process alive only while a call waits for its reply, so a program
 * that is done exits even if it never shut its manager down.
 */
import { connect } from 'node:net';
import { effectiveSignal } from '../_internal/cancellation.js';
import { TIMED_OUT, within } from '../_internal/deadline.js';
import {
  AuthenticationError,
  RemoteError,
  RuntimeError,
  TimeoutError,
  ValueError,
} from '../errors.js';
import { formatAddress, type ManagerAddress } from './address.js';
import { ConnectionClosed, FramedSocket } from './connection.js';
import { clientHandshake } from './handshake.js';
import { encodeMessage, MAX_ID, PROTOCOL, parseReply, type Reply } from './messages.js';
import { makeProxy } from './proxy.js';

/** How to reach and authenticate with a server. */
export interface ConnectSettings {
  readonly address: ManagerAddress;
  readonly authkey: Buffer;
  readonly maxMessageSize: number;
  /** For connecting, authenticating and the hello, together. */
  readonly timeout: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A call's own deadline and signal. */
export interface CallLimits {
  readonly timeout?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

interface Pending {
  resolve(reply: Reply): void;
  reject(err: unknown): void;
}

/**
 * Settles as `work` does, unless `limits` run out first: then `onGiveUp` runs and the promise
 * rejects with `late()` (the timeout) or the signal's reason. `work` itself goes on.
 */
async function bounded<T>(
  work: Promise<T>,
  limits: CallLimits,
  late: () => Error,
  onGiveUp: () => void,
): Promise<T> {
  const { timeout, signal } = limits;
  if (timeout === undefined && signal === undefined) return work;
  let outcome: T | typeof TIMED_OUT;
  try {
    outcome = await within(work, timeout, signal);
  } catch (err) {
    if (signal?.aborted && err === signal.reason) onGiveUp();
    throw err;
  }
  if (outcome !== TIMED_OUT) return outcome;
  onGiveUp();
  throw late();
}

/** An authenticated connection to a manager's server. */
export class ClientConnection {
  readonly address: ManagerAddress;
  readonly #conn: FramedSocket;
  readonly #maxMessageSize: number;
  readonly #pending = new Map<number, Pending>();
  #lastId = 0;
  #referenced = true;
  #failure: Error | undefined;

  private constructor(conn: FramedSocket, settings: ConnectSettings) {
    this.address = settings.address;
    this.#conn = conn;
    this.#maxMessageSize = settings.maxMessageSize;
    void conn.closed.then((err) =>
      this.#fail(
        new RuntimeError(
          `the connection to the manager at ${formatAddress(this.address)} closed${err ? `: ${err.message}` : ''}`,
          err ? { cause: err } : undefined,
        ),
      ),
    );
    conn.receive(settings.maxMessageSize, (frame) => this.#onFrame(frame));
  }

  /**
   * Connects to the server at `settings.address`, authenticates both ways and checks that it
   * speaks weft's messages. Rejects with `AuthenticationError` if either side refuses the
   * other, `TimeoutError` after `timeout`, Node's error (`ECONNREFUSED`...) if it cannot reach
   * the server.
   */
  static async open(settings: ConnectSettings): Promise<ClientConnection> {
    const where = formatAddress(settings.address);
    const socket = connect({ host: settings.address.host, port: settings.address.port });
    const conn = new FramedSocket(socket);
    const establish = async (): Promise<ClientConnection> => {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      try {
        await clientHandshake(conn, settings.authkey);
      } catch (err) {
        if (err instanceof AuthenticationError)
          throw new AuthenticationError(
            `authentication with the manager at ${where} failed: ${err.message}`,
          );
        if (err instanceof ConnectionClosed) {
          const why =
            err.cause instanceof Error && !(err.cause instanceof ConnectionClosed)
              ? `: ${err.cause.message}`
              : '';
          throw new AuthenticationError(
            `the manager at ${where} closed the connection during the authentication handshake${why}`,
            { cause: err.cause },
          );
        }
        throw err;
      }
      const client = new ClientConnection(conn, settings);
      const hello = await client.call((id) => [id, 'hello', PROTOCOL], 'hello');
      if ((hello as { protocol?: unknown } | null)?.protocol !== PROTOCOL)
        throw new RuntimeError(`the manager at ${where} does not speak protocol ${PROTOCOL}`);
      client.#updateRef();
      return client;
    };
    try {
      return await bounded(
        establish(),
        { timeout: settings.timeout, signal: settings.signal },
        () =>
          new TimeoutError(
            `connecting to the manager at ${where} took longer than ${settings.timeout} ms`,
          ),
        () => {},
      );
    } catch (err) {
      conn.destroy();
      throw err;
    }
  }

  /** Whether the connection has closed (calls then fail at once). */
  get closed(): boolean {
    return this.#failure !== undefined;
  }

  /**
   * Sends the request `build(id)` and resolves with what it returned: a value, or a proxy.
   * Rejects with the error the callable raised, a `RemoteError`, or the connection's failure.
   * `what` names the call in errors.
   */
  call(
    build: (id: number) => readonly unknown[],
    what: string,
    limits: CallLimits = {},
  ): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const signal = effectiveSignal(limits.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = (this.#lastId = this.#lastId >= MAX_ID ? 1 : this.#lastId + 1);
    let frame: Buffer;
    try {
      frame = encodeMessage(build(id));
    } catch (err) {
      return Promise.reject(err);
    }
    if (frame.length > this.#maxMessageSize)
      return Promise.reject(
        new ValueError(
          `the request for ${what} is ${frame.length} bytes, over maxMessageSize ${this.#maxMessageSize}`,
        ),
      );
    const reply = new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    this.#updateRef();
    this.#conn.send(frame);
    return bounded(
      reply,
      { timeout: limits.timeout, signal },
      () => new TimeoutError(`${what} did not answer within ${limits.timeout} ms`),
      () => {
        this.#pending.delete(id);
        this.#updateRef();
      },
    ).then((r) => this.#outcome(r));
  }

  /** Sends a request that has no reply (id 0); does nothing once closed. */
  notify(message: readonly unknown[]): void {
    if (!this.#failure) this.#conn.send(encodeMessage(message));
  }

  /** Closes the connection; pending calls reject with `reason`. */
  close(reason: Error): void {
    this.#fail(reason);
  }

  #outcome(reply: Reply): unknown {
    switch (reply.kind) {
      case 'return':
        return reply.value;
      case 'proxy':
        return makeProxy(this, reply);
      case 'error':
        throw reply.error;
      case 'remote':
        throw new RemoteError(reply.message);
    }
  }

  #onFrame(frame: Buffer): void {
    let reply: Reply;
    try {
      reply = parseReply(frame);
    } catch (err) {
      const pickle =
        frame[0] === 0x80 ? ' (it looks like a Python pickle: is it a CPython manager?)' : '';
      this.#fail(
        new RuntimeError(
          `the manager at ${formatAddress(this.address)} sent a message weft cannot read${pickle}; weft's managers speak weft's messages after the handshake`,
          { cause: err },
        ),
      );
      return;
    }
    const pending = this.#pending.get(reply.id);
    if (!pending) {
      // The caller gave up waiting; release what the server made for it.
      if (reply.kind === 'proxy') this.notify([0, 'decref', reply.ref]);
      return;
    }
    this.#pending.delete(reply.id);
    this.#updateRef();
    pending.resolve(reply);
  }

  #fail(reason: Error): void {
    if (this.#failure) return;
    this.#failure = reason;
    for (const p of this.#pending.values()) p.reject(reason);
    this.#pending.clear();
    this.#conn.destroy();
  }

  /** Keeps the process alive exactly while a call waits for its reply. */
  #updateRef(): void {
    const wanted = this.#pending.size > 0;
    if (wanted === this.#referenced) return;
    this.#referenced = wanted;
    if (wanted) this.#conn.socket.ref();
    else this.#conn.socket.unref();
  }
}
