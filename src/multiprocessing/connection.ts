/**
 * `Pipe` and `Connection` (Python's `multiprocessing.Pipe`, `connection.Connection`): two
 * connected ends that send values between processes of the tree.
 */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import {
  checkBoolean,
  checkInt,
  checkOptions,
  typeError,
  type WaitOptions,
} from '../_internal/validate.js';
import { OSError, ValueError } from '../errors.js';
import { asyncWait, BrokerObject, newId, type Spec, syncWait } from './_broker/proxy.js';
import { decodeItem, type Encoded, encodeItem } from './_broker/wire.js';

interface Info {
  readable: boolean;
  writable: boolean;
}

/**
 * One end of a {@link Pipe}. `send` a value and the other end `recv`s it, in order; values
 * cross as queue items do (structured-cloneable data, errors, exported functions, weft's
 * process objects). When every process holding the other end has closed it or ended,
 * `recv` fails with `EOFError` once nothing is left to read, and `send` with
 * `BrokenPipeError`. As in Python, a parent that hands an end to a child should `close()` its
 * own copy, or the pipe stays open as long as the parent does.
 *
 * @example
 * ```ts
 * import { type Connection, Pipe, Process } from 'weft/multiprocessing';
 * export async function child(conn: Connection) {
 *   await conn.send([42, null, 'hello']);
 *   conn.close();
 * }
 * const [parentConn, childConn] = Pipe();
 * const p = new Process({ target: child, args: [childConn] });
 * p.start();
 * childConn.close();
 * console.log(await parentConn.recv()); // [42, null, 'hello']
 * await p.join();
 * ```
 */
export class Connection<T = unknown> extends BrokerObject {
  #closed = false;

  /** @internal Made by {@link Pipe}, or revived from `descriptor`. */
  constructor(
    descriptor: Descriptor | undefined,
    make?: () => { id: number; specs: Spec[]; info: Info },
  ) {
    super('mp.Connection', make, descriptor);
    if (descriptor) this._brokerPost('attach', [[this._id]]);
  }

  get #info(): Info {
    return this._extra.info as Info;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True if this end can receive. */
  get readable(): boolean {
    return this.#info.readable;
  }

  /** True if this end can send. */
  get writable(): boolean {
    return this.#info.writable;
  }

  #check(op: 'readable' | 'writable'): void {
    if (this.#closed) throw new OSError('handle is closed');
    if (!this.#info[op])
      throw new OSError(`connection is ${op === 'readable' ? 'write' : 'read'}-only`);
  }

  /** Sends `value` to the other end. Resolves once the pipe holds it; `BrokenPipeError` if the other end is closed. */
  async send(value: T): Promise<void> {
    this.#check('writable');
    await this._request('send', [encodeItem(value, 'value')], undefined, true);
  }

  /** Like {@link send}, blocking the calling thread until the pipe holds the value. */
  sendSync(value: T): void {
    this.#check('writable');
    this._requestSync('send', [encodeItem(value, 'value')]);
  }

  /** Receives the next value, waiting for one; `EOFError` when the other end closed and nothing is left. */
  async recv(options?: { signal?: AbortSignal | undefined }): Promise<T> {
    this.#check('readable');
    const { signal } = asyncWait(checkOptions(options, 'options', ['signal']));
    return decodeItem((await this._request('recv', [], signal)) as Encoded) as T;
  }

  /** Like {@link recv}, blocking the calling thread. */
  recvSync(): T {
    this.#check('readable');
    syncWait(undefined, 'Connection.recvSync()');
    return decodeItem(this._requestSync('recv', []) as Encoded) as T;
  }

  /**
   * Whether there is something to read (or the other end is closed), waiting up to `timeout`
   * ms for it (default 0: no waiting; `null` or `Infinity`: as long as it takes).
   */
  async poll(timeout: number | null = 0, options?: WaitOptions): Promise<boolean> {
    this.#check('readable');
    const { signal } = asyncWait(options);
    return (await this._request('poll', [pollTimeout(timeout)], signal)) as boolean;
  }

  /** Like {@link poll}, blocking the calling thread. */
  pollSync(timeout: number | null = 0): boolean {
    this.#check('readable');
    const t = pollTimeout(timeout);
    if (t !== 0) syncWait(undefined, 'Connection.pollSync()');
    return this._requestSync('poll', [t]) as boolean;
  }

  /** Sends bytes (`buffer[offset, offset + size)`), received whole by `recvBytes`. */
  async sendBytes(buffer: Uint8Array, offset = 0, size?: number): Promise<void> {
    this.#check('writable');
    await this._request(
      'send',
      [encodeItem(slice(buffer, offset, size), 'buffer')],
      undefined,
      true,
    );
  }

  /**
   * Receives bytes sent with `sendBytes` (as a Buffer). With `maxlength`, a longer message
   * fails with `OSError`, as in Python.
   */
  async recvBytes(maxlength?: number): Promise<Buffer> {
    this.#check('readable');
    if (maxlength !== undefined) checkInt(maxlength, 'maxlength', 0);
    const bytes = decodeItem((await this._request('recv', [])) as Encoded);
    if (!(bytes instanceof Uint8Array))
      throw new OSError('the message received is not bytes (it was sent with send())');
    if (maxlength !== undefined && bytes.length > maxlength)
      throw new OSError('bad message length');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Closes this end here. When every process holding it has closed it (or ended), the other end sees EOF. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this._post('close', []);
  }

  /** @internal A child that is about to receive this end as an argument holds it from now on. */
  _expect(pid: number): void {
    this._brokerPost('expect', [[this._id], pid]);
  }

  /** @internal Process `pid` (a child this end was handed to) ended. */
  _gone(pid: number): void {
    this._brokerPost('gone', [pid]);
  }

  protected describe(): string {
    return `<Connection #${this._id}${this.#closed ? ' closed' : ''} (process-wide)>`;
  }
}

function pollTimeout(timeout: number | null): number | undefined {
  if (timeout === null || timeout === Number.POSITIVE_INFINITY) return undefined;
  if (typeof timeout !== 'number' || Number.isNaN(timeout))
    typeError('timeout', 'a number of milliseconds or null', timeout);
  if (timeout < 0) throw new ValueError(`timeout must be >= 0, got ${timeout}`);
  return timeout;
}

function slice(buffer: Uint8Array, offset: number, size: number | undefined): Buffer {
  if (!(buffer instanceof Uint8Array)) typeError('buffer', 'a Buffer or Uint8Array', buffer);
  checkInt(offset, 'offset', 0, buffer.length);
  const n =
    size === undefined ? buffer.length - offset : checkInt(size, 'size', 0, buffer.length - offset);
  return Buffer.from(buffer.buffer, buffer.byteOffset + offset, n);
}

/**
 * Options of {@link Pipe}.
 *
 * @example
 * ```ts
 * import { Pipe, type PipeOptions } from 'weft/multiprocessing';
 * const options: PipeOptions = { duplex: false };
 * const [reader, writer] = Pipe(options);
 * ```
 */
export interface PipeOptions {
  /** `true` (default): both ends send and receive. `false`: the first end only receives, the second only sends. */
  duplex?: boolean | undefined;
}

/**
 * A pair of connected {@link Connection}s (Python's `multiprocessing.Pipe`).
 *
 * @example
 * ```ts
 * import { Pipe } from 'weft/multiprocessing';
 * const [a, b] = Pipe();
 * await a.send({ hello: 'world' });
 * console.log(await b.recv()); // { hello: 'world' }
 * ```
 */
export function Pipe<T = unknown>(options?: PipeOptions): [Connection<T>, Connection<T>] {
  const o = checkOptions(options, 'options', ['duplex']);
  const duplex = o.duplex === undefined ? true : checkBoolean(o.duplex, 'duplex');
  const first = newId();
  const second = newId();
  const specs: Spec[] = [[first, 'Pipe', second, process.pid]];
  const end = (id: number, readable: boolean, writable: boolean): Connection<T> =>
    new Connection<T>(undefined, () => ({ id, specs, info: { readable, writable } }));
  return [end(first, true, duplex), end(second, duplex, true)];
}

defineShared('mp.Connection', (d) => new Connection(d));

/** The pipe ends each child was handed at `start()`, by child pid. */
const handedOver = new Map<number, Connection[]>();

function collectEnds(value: unknown, found: Connection[], seen: Set<object>, depth: number): void {
  if (typeof value !== 'object' || value === null || seen.has(value) || depth > 32) return;
  seen.add(value);
  if (value instanceof Connection) {
    found.push(value);
    return;
  }
  if (Array.isArray(value) || value instanceof Set)
    for (const v of value) collectEnds(v, found, seen, depth + 1);
  else if (value instanceof Map)
    for (const v of value.values()) collectEnds(v, found, seen, depth + 1);
  else for (const v of Object.values(value)) collectEnds(v, found, seen, depth + 1);
}

/**
 * @internal `Process.start()` calls this once the child `pid` exists: the pipe ends among its
 * arguments are held by the child from now on, so that the parent may close its own copies
 * at once (Python's idiom) without the other end seeing EOF before the child has them.
 */
export function _handOver(values: unknown, pid: number): void {
  const ends: Connection[] = [];
  collectEnds(values, ends, new Set(), 0);
  if (ends.length === 0) return;
  for (const end of ends) end._expect(pid);
  handedOver.set(pid, ends);
}

/** @internal The child `pid` exited: the ends handed to it are no longer held by it. */
export function _childExited(pid: number): void {
  const ends = handedOver.get(pid);
  if (!ends) return;
  handedOver.delete(pid);
  ends[0]!._gone(pid);
}
