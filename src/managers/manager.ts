/**
 * `BaseManager` (Python's `multiprocessing.managers.BaseManager`): a class whose registered
 * typeids become methods that run on a server, reached over TCP and an authkey.
 */
import {
  checkInt,
  checkOptions,
  checkTimeout,
  checkWaitOptions,
  valueError,
} from '../_internal/validate.js';
import { RuntimeError } from '../errors.js';
import { Pipe } from '../multiprocessing/connection.js';
import { Process } from '../multiprocessing/process.js';
import { type AddressLike, checkAddress, type ManagerAddress } from './address.js';
import { checkAuthkey } from './auth.js';
import { ClientConnection } from './client.js';
import { MAX_FRAME_LENGTH } from './frames.js';
import { encodeArgs } from './proxy.js';
import { type RegisterOptions, register, registryOf } from './registry.js';
import { serveManager } from './serve_child.js';
import { Server } from './server.js';

/**
 * Options of a manager: where its server is, the shared key, and the server's limits.
 *
 * @example
 * ```ts
 * import { BaseManager, type ManagerOptions } from 'weft/managers';
 * const options: ManagerOptions = {
 *   address: ['127.0.0.1', 50000],
 *   authkey: 'abc',
 *   handshakeTimeout: 5_000,
 *   maxMessageSize: 16 * 1024 * 1024,
 * };
 * const m = new BaseManager(options);
 * ```
 */
export interface ManagerOptions {
  /**
   * The server's address: `{ host, port }` or `[host, port]`. Required to connect; a server
   * made without one listens on `127.0.0.1` on a free port. Port `0` asks for a free port.
   */
  address?: AddressLike | undefined;
  /** The shared secret: a non-empty string (UTF-8) or bytes. */
  authkey: string | Uint8Array;
  /**
   * Milliseconds a peer has to complete the handshake (the server disconnects it after), and
   * the default time `connect()` may take. Default 10 000; `Infinity` for no limit.
   */
  handshakeTimeout?: number | undefined;
  /**
   * Milliseconds after which the server closes an authenticated connection on which nothing
   * happens and no call runs. Default: never. A client reconnects by itself on its next call,
   * but the proxies it held on the closed connection are gone.
   */
  idleTimeout?: number | undefined;
  /**
   * The largest message, in bytes, either side accepts after the handshake; a longer frame
   * closes the connection (the sender's own oversized call is refused before it is sent).
   * Default 64 MiB.
   */
  maxMessageSize?: number | undefined;
}

/**
 * Options of {@link BaseManager.connect}.
 *
 * @example
 * ```ts
 * await manager.connect({ timeout: 2_000, signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface ConnectOptions {
  /** Give up after this many milliseconds (default: the manager's `handshakeTimeout`). */
  timeout?: number | undefined;
  /** Give up when this signal aborts; `connect()` rejects with its reason. */
  signal?: AbortSignal | undefined;
}

const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

type State = 'initial' | 'connected' | 'shutdown';

interface Settings {
  readonly address: ManagerAddress | undefined;
  readonly authkey: Buffer;
  readonly handshakeTimeout: number | undefined;
  readonly idleTimeout: number | undefined;
  readonly maxMessageSize: number;
}

/** The longest delay a socket timer holds. */
const MAX_SOCKET_TIMER = 2 ** 31 - 1;

/** A server's time limit: positive milliseconds, or `Infinity`/`undefined` for none. */
function checkLimit(
  value: unknown,
  name: string,
  max = Number.POSITIVE_INFINITY,
): number | undefined {
  const ms = checkTimeout(value, name);
  if (ms === 0) valueError(name, 'a positive number of milliseconds, or Infinity', value);
  if (ms !== undefined && ms > max) valueError(name, `at most ${max} ms, or Infinity`, value);
  return ms;
}

function checkManagerOptions(options: ManagerOptions): Settings {
  if (options === undefined) valueError('options', 'an object with an authkey', options);
  const o = checkOptions(
    options,
    'options',
    ['address', 'authkey', 'handshakeTimeout', 'idleTimeout', 'maxMessageSize'],
    { authKey: 'authkey' },
  );
  return {
    address: o.address === undefined ? undefined : checkAddress(o.address, 'options.address'),
    authkey: checkAuthkey(o.authkey, 'options.authkey'),
    handshakeTimeout: checkLimit(
      o.handshakeTimeout === undefined ? DEFAULT_HANDSHAKE_TIMEOUT : o.handshakeTimeout,
      'options.handshakeTimeout',
    ),
    idleTimeout: checkLimit(o.idleTimeout, 'options.idleTimeout', MAX_SOCKET_TIMER),
    maxMessageSize:
      o.maxMessageSize === undefined
        ? DEFAULT_MAX_MESSAGE_SIZE
        : checkInt(o.maxMessageSize, 'options.maxMessageSize', 1024, MAX_FRAME_LENGTH),
  };
}

/**
 * A manager (Python's `multiprocessing.managers.BaseManager`). Subclass it, register typeids on
 * the subclass at the top level of its module, then either serve them (`getServer()` and
 * `serveForever()`) or reach a server that does (`connect()`). Each registered typeid becomes a
 * method of the manager that runs the registered callable on the server and resolves with its
 * result: a copy, or a proxy when the result is an object with methods.
 *
 * Registering on a subclass never changes another class. A client registers the same typeids
 * without callables (as in Python). To let TypeScript see the methods, `declare` them on the
 * class with {@link RemoteCallable}.
 *
 * @example
 * ```ts
 * // server.ts
 * import { BaseManager } from 'weft/managers';
 * class MathManager extends BaseManager {}
 * MathManager.register('sum', (a: number, b: number) => ((a + b) * (b - a + 1)) / 2);
 * const m = new MathManager({ address: ['127.0.0.1', 50000], authkey: 'abc' });
 * await (await m.getServer()).serveForever();
 *
 * // client.ts
 * import { BaseManager } from 'weft/managers';
 * class MathClient extends BaseManager {
 *   declare sum: (a: number, b: number) => Promise<number>;
 * }
 * MathClient.register('sum');
 * await using client = new MathClient({ address: ['127.0.0.1', 50000], authkey: 'abc' });
 * await client.connect();
 * console.log(await client.sum(1, 100)); // 5050
 * ```
 */
export class BaseManager implements AsyncDisposable {
  /** Names a typeid's method may not take: BaseManager's own members and Object's. */
  static readonly #members: ReadonlySet<string> = new Set([
    ...Object.getOwnPropertyNames(BaseManager.prototype),
    ...Object.getOwnPropertyNames(Object.prototype),
  ]);
  readonly #settings: Settings;
  /** The server's address: the given one, or the one a started server bound. */
  #address: ManagerAddress | undefined;
  /** The server process started by {@link start}. */
  #process: Process | undefined;
  #state: State = 'initial';
  #connection: ClientConnection | undefined;
  #connecting: Promise<ClientConnection> | undefined;

  /**
   * Registers `typeid` on this class (Python's `BaseManager.register`). On the server side give
   * the `callable` that makes the value or object; on the client side it may be left out. Unless
   * `createMethod` is `false`, `typeid` becomes a method of this class's managers.
   *
   * @example
   * ```ts
   * import { BaseManager } from 'weft/managers';
   * class Counter { n = 0; inc() { return ++this.n; } get() { return this.n; } reset() {} }
   * class MyManager extends BaseManager {}
   * MyManager.register('sum', (a: number, b: number) => a + b);
   * MyManager.register('Counter', () => new Counter(), { exposed: ['inc', 'get'] });
   * MyManager.register('Iterator', undefined, { createMethod: false });
   * ```
   */
  static register(
    typeid: string,
    callable?: ((...args: any[]) => unknown) | undefined,
    options?: RegisterOptions,
  ): void {
    if (
      typeof typeid === 'string' &&
      (options?.createMethod ?? true) &&
      BaseManager.#members.has(typeid)
    )
      valueError(
        'typeid',
        `a name that does not hide a member of BaseManager (or register it with { createMethod: false })`,
        typeid,
      );
    const { createMethod } = register(this, typeid, callable, options);
    if (!createMethod) return;
    const method = {
      [typeid](this: BaseManager, ...args: unknown[]): Promise<unknown> {
        return this.#create(typeid, args);
      },
    }[typeid];
    Object.defineProperty(this.prototype, typeid, {
      value: method,
      writable: true,
      configurable: true,
    });
  }

  /**
   * Makes a manager. Nothing connects or listens until `connect()` or `getServer()`.
   *
   * @example
   * ```ts
   * const m = new MyManager({ address: { host: '127.0.0.1', port: 50000 }, authkey: 'abc' });
   * ```
   */
  constructor(options: ManagerOptions) {
    this.#settings = checkManagerOptions(options);
    this.#address = this.#settings.address;
  }

  /** The address given to the constructor, or the one the server of `start()` bound. */
  get address(): ManagerAddress | undefined {
    return this.#address;
  }

  /**
   * Starts a server for this class in a child process and connects to it (Python's
   * `start()`). The child imports the module that defines the class (so the class must be
   * exported, and its registrations must run at the top level of its module, as in Python),
   * binds the manager's address (by default `127.0.0.1` on a free port; `address` then holds
   * the real one), and serves until `shutdown()`.
   *
   * @example
   * ```ts
   * // counter_manager.ts
   * import { BaseManager } from 'weft/managers';
   * export class CounterManager extends BaseManager {
   *   declare sum: (a: number, b: number) => Promise<number>;
   * }
   * CounterManager.register('sum', (a: number, b: number) => a + b);
   * // main.ts
   * await using m = new CounterManager({ authkey: 'abc' });
   * await m.start();
   * console.log(m.address, await m.sum(1, 2)); // { host: '127.0.0.1', port: ... } 3
   * ```
   */
  async start(options?: ConnectOptions): Promise<void> {
    if (this.#state !== 'initial' || this.#process)
      throw new RuntimeError(
        this.#state === 'shutdown'
          ? 'the manager was shut down'
          : 'the manager has already started or connected',
      );
    const s = this.#settings;
    const [parentEnd, childEnd] = Pipe<ManagerAddress | { error: string }>({ duplex: false });
    const child = new Process({
      target: serveManager,
      args: [
        this.constructor as new (o: ManagerOptions) => BaseManager,
        {
          address: s.address ?? { host: '127.0.0.1', port: 0 },
          authkey: s.authkey,
          handshakeTimeout: s.handshakeTimeout,
          idleTimeout: s.idleTimeout,
          maxMessageSize: s.maxMessageSize,
        },
        childEnd,
      ],
      name: `${this.constructor.name}-server`,
      daemon: true,
    });
    child.start();
    childEnd.close();
    this.#process = child;
    let reported: ManagerAddress | { error: string };
    try {
      reported = await parentEnd.recv();
    } catch (err) {
      throw new RuntimeError(
        `the manager's server process ended before it listened (exit code ${child.exitcode})`,
        { cause: err },
      );
    } finally {
      parentEnd.close();
    }
    if ('error' in reported)
      throw new RuntimeError(`the manager's server could not start: ${reported.error}`);
    this.#address = Object.freeze({ host: reported.host, port: reported.port });
    await this.connect(options);
  }

  /**
   * Waits until the server process of `start()` has exited (Python's `join()`); false if
   * `timeout` passed first.
   *
   * @example
   * ```ts
   * await manager.shutdown();
   * await manager.join({ timeout: 5_000 });
   * ```
   */
  async join(options?: { timeout?: number; signal?: AbortSignal }): Promise<boolean> {
    if (!this.#process) throw new RuntimeError('the manager did not start a server process');
    return this.#process.join(options);
  }

  /**
   * Binds a server for this class's registry at the manager's address (Python's
   * `get_server`): resolves once it listens, with its real address. Call `serveForever()` on
   * it to serve. Typeids are looked up when a client asks, so registrations made later count.
   *
   * @example
   * ```ts
   * const server = await manager.getServer();
   * console.log(server.address.port);
   * await server.serveForever();
   * ```
   */
  getServer(): Promise<Server> {
    if (this.#state !== 'initial')
      return Promise.reject(
        new RuntimeError(
          this.#state === 'shutdown'
            ? 'the manager was shut down'
            : 'the manager is connected to a server; a server is made from a manager that is not',
        ),
      );
    const cls = this.constructor;
    const s = this.#settings;
    return Server.listen({
      address: s.address ?? { host: '127.0.0.1', port: 0 },
      authkey: s.authkey,
      lookup: (typeid) => registryOf(cls).get(typeid),
      handshakeTimeout: s.handshakeTimeout,
      idleTimeout: s.idleTimeout,
      maxMessageSize: s.maxMessageSize,
    });
  }

  /**
   * Connects to the server at the manager's address and authenticates both ways (Python's
   * `connect`). Rejects with `AuthenticationError` if the server refuses the authkey or cannot
   * prove it holds it, `TimeoutError` after `timeout` (default: the `handshakeTimeout`), or
   * Node's error (`ECONNREFUSED`...) if the server cannot be reached. Connecting again while
   * connected does nothing.
   *
   * @example
   * ```ts
   * await manager.connect({ timeout: 2_000 });
   * ```
   */
  async connect(options?: ConnectOptions): Promise<void> {
    const { timeout, signal } = checkWaitOptions(options);
    if (this.#state === 'shutdown') throw new RuntimeError('the manager was shut down');
    if (!this.#address)
      throw new RuntimeError('the manager has no address to connect to (options.address)');
    await this.#connect(timeout ?? this.#settings.handshakeTimeout, signal);
    // shutdown() may have run while connecting.
    if ((this.#state as State) === 'shutdown') throw new RuntimeError('the manager was shut down');
    this.#state = 'connected';
  }

  /**
   * Ends this manager's connection: calls still waiting reject, proxies stop working, and the
   * server releases what this connection held. A server this manager `start()`ed is stopped
   * and its process joined; any other server keeps serving. Idempotent.
   *
   * @example
   * ```ts
   * await manager.shutdown();
   * ```
   */
  async shutdown(): Promise<void> {
    const started = this.#process;
    if (started && this.#state !== 'shutdown' && this.#connection && !this.#connection.closed) {
      // Python's shutdown() of a started manager stops its server.
      await this.#connection.call((id) => [id, 'shutdown'], 'shutdown()').catch(() => {});
    }
    this.#state = 'shutdown';
    this.#connecting = undefined;
    this.#connection?.close(new RuntimeError('the manager was shut down'));
    this.#connection = undefined;
    if (started && (await started.join({ timeout: 5_000 })) === false) started.terminate();
  }

  /** The same as {@link shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  #connect(timeout: number | undefined, signal?: AbortSignal): Promise<ClientConnection> {
    const live = this.#connection;
    if (live && !live.closed) return Promise.resolve(live);
    if (!this.#connecting) {
      const s = this.#settings;
      const connecting = ClientConnection.open({
        address: this.#address!,
        authkey: s.authkey,
        maxMessageSize: s.maxMessageSize,
        timeout,
        signal,
      });
      this.#connecting = connecting;
      connecting.then(
        (conn) => {
          if (this.#connecting !== connecting) {
            conn.close(new RuntimeError('the manager was shut down'));
            return;
          }
          this.#connection = conn;
          this.#connecting = undefined;
        },
        () => {
          if (this.#connecting === connecting) this.#connecting = undefined;
        },
      );
    }
    return this.#connecting;
  }

  /** Runs `typeid`'s callable on the server (Python's `_create`), reconnecting if need be. */
  async #create(typeid: string, args: unknown[]): Promise<unknown> {
    if (this.#state !== 'connected')
      throw new RuntimeError(
        this.#state === 'shutdown'
          ? `${typeid}(): the manager was shut down`
          : `${typeid}(): the manager is not connected; call connect() first`,
      );
    const conn =
      this.#connection && !this.#connection.closed
        ? this.#connection
        : await this.#connect(this.#settings.handshakeTimeout);
    const what = `${typeid}()`;
    const { wire, proxied } = encodeArgs(args, conn, what);
    return conn.call((id) => [id, 'create', typeid, wire, proxied], what);
  }
}
