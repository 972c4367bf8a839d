/**
 * A manager's server (Python's `multiprocessing.managers.Server`): a TCP listener that
 * authenticates each peer with the authkey, then serves its requests in a {@link Session}.
 *
 * Hardening: before a peer has proved it holds the key, the server reads nothing but the
 * fixed-size handshake frames (each capped at 256 bytes); a peer that sends more, sends a
 * longer frame, or does not finish within `handshakeTimeout` is disconnected; at most
 * {@link MAX_UNAUTHENTICATED} peers may be mid-handshake at once. After it, every frame is
 * capped at `maxMessageSize`. A peer that fails never affects the others.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { TIMED_OUT, within } from '../_internal/deadline.js';
import { checkOptions, checkSignal } from '../_internal/validate.js';
import { RuntimeError, TimeoutError } from '../errors.js';
import { formatAddress, type ManagerAddress } from './address.js';
import { FramedSocket } from './connection.js';
import { serverHandshake } from './handshake.js';
import type { Registration } from './registry.js';
import { Session, type SessionHost } from './session.js';

/** Peers that may be connected and not yet authenticated at once; more are turned away. */
export const MAX_UNAUTHENTICATED = 256;

/** What a server is made from (the manager's settings). */
export interface ServerSettings {
  readonly address: ManagerAddress;
  readonly authkey: Buffer;
  readonly lookup: (typeid: string) => Registration | undefined;
  /** Milliseconds a peer has to authenticate; `undefined`: no limit. */
  readonly handshakeTimeout: number | undefined;
  readonly idleTimeout: number | undefined;
  readonly maxMessageSize: number;
}

/**
 * Options of {@link Server.serveForever}.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * const serving = server.serveForever({ signal: stop.signal });
 * stop.abort(); // serving resolves once the server has stopped
 * ```
 */
export interface ServeOptions {
  /** Stop the server when this signal aborts (as `shutdown()` does). */
  signal?: AbortSignal | undefined;
}

/**
 * A manager's server, bound to its address. Get one from `manager.getServer()`, then call
 * {@link serveForever}. Connections that arrive before that wait until it is called.
 *
 * @example
 * ```ts
 * import { BaseManager } from 'weft/managers';
 * class QueueManager extends BaseManager {}
 * QueueManager.register('sum', (a: number, b: number) => ((a + b) * (b - a + 1)) / 2);
 *
 * const m = new QueueManager({ address: ['127.0.0.1', 50000], authkey: 'abc' });
 * await using server = await m.getServer();
 * console.log('serving on', server.address); // { host: '127.0.0.1', port: 50000 }
 * await server.serveForever(); // until shutdown(), a client's shutdown request, or a signal
 * ```
 */
export class Server implements AsyncDisposable {
  readonly #settings: ServerSettings;
  readonly #listener: NetServer;
  readonly #address: ManagerAddress;
  readonly #host: SessionHost;
  readonly #connections = new Set<FramedSocket>();
  readonly #sessions = new Set<Session>();
  readonly #waiting: FramedSocket[] = [];
  #unauthenticated = 0;
  #serving = false;
  #stopping: Promise<void> | undefined;
  #stopped!: () => void;
  readonly #done: Promise<void>;

  private constructor(settings: ServerSettings, listener: NetServer, address: ManagerAddress) {
    this.#settings = settings;
    this.#listener = listener;
    this.#address = address;
    this.#done = new Promise((resolve) => {
      this.#stopped = resolve;
    });
    this.#host = {
      lookup: settings.lookup,
      maxMessageSize: settings.maxMessageSize,
      idleTimeout: settings.idleTimeout,
      requestShutdown: () => void this.shutdown(),
    };
    listener.on('connection', (socket: Socket) => this.#accept(socket));
    // Accept failures (EMFILE and the like) leave the listener listening, as CPython's loop
    // goes on after an OSError from accept().
    listener.on('error', () => {});
  }

  /** Binds a server; resolves once it listens. @internal */
  static async listen(settings: ServerSettings): Promise<Server> {
    const listener = createServer({ pauseOnConnect: true, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(settings.address.port, settings.address.host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    const bound = listener.address();
    const port = typeof bound === 'object' && bound ? bound.port : settings.address.port;
    return new Server(settings, listener, Object.freeze({ host: settings.address.host, port }));
  }

  /** The address the server listens on (with the real port when `0` was asked for). */
  get address(): ManagerAddress {
    return this.#address;
  }

  /** Objects that clients hold proxies for, over every connection (Python's `number_of_objects`). */
  numberOfObjects(): number {
    let n = 0;
    for (const s of this.#sessions) n += s.objectCount;
    return n;
  }

  /**
   * Serves clients until the server stops: `shutdown()`, `[Symbol.asyncDispose]`, a client's
   * shutdown request, or `signal` aborting. Resolves once it has stopped.
   */
  serveForever(options?: ServeOptions): Promise<void> {
    const opts = checkOptions(options, 'options', ['signal']);
    const signal = checkSignal(opts.signal);
    if (this.#stopping) throw new RuntimeError('the server was shut down');
    if (this.#serving) throw new RuntimeError('serveForever() is already running');
    this.#serving = true;
    if (signal) {
      if (signal.aborted) void this.shutdown();
      else signal.addEventListener('abort', () => void this.shutdown(), { once: true });
    }
    for (const conn of this.#waiting.splice(0)) void this.#authenticate(conn);
    return this.#done;
  }

  /**
   * Stops the server: stops listening, closes every connection (their pending calls fail) and
   * releases every object. Resolves once done; calling it again returns the same promise.
   */
  shutdown(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      this.#listener.close(() => resolve());
      for (const conn of this.#connections) conn.destroy();
    }).then(() => this.#stopped());
    return this.#stopping;
  }

  /** The same as {@link shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  #accept(socket: Socket): void {
    if (this.#stopping || this.#unauthenticated >= MAX_UNAUTHENTICATED) {
      socket.destroy();
      return;
    }
    this.#unauthenticated++;
    const conn = new FramedSocket(socket);
    this.#connections.add(conn);
    void conn.closed.then(() => this.#connections.delete(conn));
    if (this.#serving) void this.#authenticate(conn);
    else this.#waiting.push(conn);
  }

  async #authenticate(conn: FramedSocket): Promise<void> {
    const { handshakeTimeout, authkey } = this.#settings;
    conn.socket.resume();
    try {
      if ((await within(serverHandshake(conn, authkey), handshakeTimeout, undefined)) === TIMED_OUT)
        throw new TimeoutError(`the peer did not authenticate within ${handshakeTimeout} ms`);
    } catch {
      // A refused peer has been sent #FAILURE# and its socket ends once that is written.
      if (!conn.socket.writableEnded) conn.destroy();
      return;
    } finally {
      this.#unauthenticated--;
    }
    if (conn.isClosed || this.#stopping) {
      conn.destroy();
      return;
    }
    const session = new Session(conn, this.#host);
    this.#sessions.add(session);
    void conn.closed.then(() => this.#sessions.delete(session));
  }

  /** For messages: `Server(127.0.0.1:50000)`. */
  toString(): string {
    return `Server(${formatAddress(this.#address)})`;
  }
}
