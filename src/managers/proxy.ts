/**
 * Proxies: client-side stand-ins for objects that live on a manager's server (Python's
 * `BaseProxy` and `AutoProxy`). Each exposed method of the referent is a method of the proxy
 * that calls it remotely and resolves with a copy of its result. The server keeps the referent
 * while the proxy is open; `_close()`, `using`, or the proxy being garbage collected releases it.
 */
import { inspect } from 'node:util';
import { checkWaitOptions, typeError, type WaitOptions } from '../_internal/validate.js';
import { ArgumentTypeError, RuntimeError } from '../errors.js';
import { formatAddress, type ManagerAddress } from './address.js';
import type { ClientConnection } from './client.js';
import type { Reply } from './messages.js';
import { isExposable } from './registry.js';
import { toWire } from './values.js';

/**
 * What identifies a proxied object (Python's `Token`): its typeid, its server's address and
 * its id on the connection that holds it.
 *
 * @example
 * ```ts
 * const counter = await manager.Counter();
 * console.log(counter._token); // { typeid: 'Counter', address: { host: '127.0.0.1', port: 50000 }, id: 1 }
 * ```
 */
export interface Token {
  readonly typeid: string;
  readonly address: ManagerAddress;
  readonly id: number;
}

const owners = new WeakMap<BaseProxy, ClientConnection>();

/** Releases the referent of a proxy that was garbage collected without `_close()`. */
const released = new FinalizationRegistry<{ conn: ClientConnection; ref: number }>(
  ({ conn, ref }) => conn.notify([0, 'decref', ref]),
);

/**
 * The base of every proxy (Python's `BaseProxy`). The methods of a proxy's referent are added
 * by weft to a subclass per typeid and method list (Python's `AutoProxy`); a proxy is never
 * constructed by hand. Its own members start with `_`, so they never clash with the referent's.
 *
 * @example
 * ```ts
 * import { BaseManager, BaseProxy } from 'weft/managers';
 * class Counter { n = 0; inc(by = 1) { return (this.n += by); } }
 * class MyManager extends BaseManager {}
 * MyManager.register('Counter', () => new Counter());
 * // ... on the client side, connected:
 * const counter = (await manager.Counter()) as BaseProxy & { inc(by?: number): Promise<number> };
 * await counter.inc(2);                     // 2
 * await counter._callmethod('inc', [3]);    // 5
 * console.log(await counter._getvalue());   // { n: 5 }
 * counter._close();                         // the server may drop the object
 * ```
 */
export class BaseProxy implements Disposable {
  /** The referent's typeid, server and id. */
  readonly _token: Token;
  /** The methods this proxy may call. */
  readonly _exposed: readonly string[];
  #closed = false;

  /** @internal */
  constructor(conn: ClientConnection, token: Token, exposed: readonly string[]) {
    this._token = token;
    this._exposed = exposed;
    owners.set(this, conn);
    released.register(this, { conn, ref: token.id }, this);
  }

  #connection(what: string): ClientConnection {
    if (this.#closed)
      throw new RuntimeError(`${what}: the proxy of ${this._token.typeid} was closed`);
    return owners.get(this)!;
  }

  /**
   * Calls the referent's method `methodname` with `args` and resolves with a copy of its
   * result (or a proxy, for a method registered in `methodToTypeid`). Rejects with the error
   * the method raised, or a `RemoteError` if the method is not exposed. `options` bound the
   * wait: after a timeout or an abort the reply is dropped (the call itself still runs).
   */
  _callmethod(
    methodname: string,
    args: readonly unknown[] = [],
    options?: WaitOptions,
  ): Promise<any> {
    if (typeof methodname !== 'string') typeError('methodname', 'a string', methodname);
    if (!Array.isArray(args)) typeError('args', 'an array of arguments', args);
    const limits = checkWaitOptions(options);
    const what = `${this._token.typeid}.${methodname}()`;
    try {
      const conn = this.#connection(what);
      const { wire, proxied } = encodeArgs(args, conn, what);
      return conn.call(
        (id) => [id, 'call', this._token.id, methodname, wire, proxied],
        what,
        limits,
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A copy of the referent (Python's `_getvalue`): its own enumerable properties. */
  _getvalue(): Promise<any> {
    const what = `${this._token.typeid}._getvalue()`;
    try {
      return this.#connection(what).call((id) => [id, 'getvalue', this._token.id], what);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Releases the referent on the server (Python's `_close`, the proxy's finalizer); later calls
   * through this proxy fail. Calling it again does nothing.
   */
  _close(): void {
    if (this.#closed) return;
    this.#closed = true;
    released.unregister(this);
    owners.get(this)!.notify([0, 'decref', this._token.id]);
  }

  /** The same as {@link _close}, for `using`. */
  [Symbol.dispose](): void {
    this._close();
  }

  /** Python's `repr`: `<AutoProxy[Counter] object, typeid 'Counter' at 127.0.0.1:50000 #1>`. */
  toString(): string {
    return `<${this.constructor.name} object, typeid '${this._token.typeid}' at ${formatAddress(this._token.address)} #${this._token.id}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * `args` ready to cross: proxies of this connection are sent as their ids (the server passes
 * their referents), anything else by value.
 */
export function encodeArgs(
  args: readonly unknown[],
  conn: ClientConnection,
  what: string,
): { wire: unknown; proxied: number[] } {
  const proxied: number[] = [];
  let values = args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!(arg instanceof BaseProxy)) continue;
    if (owners.get(arg) !== conn)
      throw new ArgumentTypeError(
        `argument ${i} of ${what} is a proxy held by another manager connection; only proxies of this manager can be passed`,
      );
    if (values === args) values = [...args];
    (values as unknown[])[i] = arg._token.id;
    proxied.push(i);
  }
  return { wire: toWire(values, 'args', `of ${what}`), proxied };
}

type ProxyClass = new (
  conn: ClientConnection,
  token: Token,
  exposed: readonly string[],
) => BaseProxy;

const classes = new Map<string, ProxyClass>();

/** The proxy class for a typeid and its methods (Python's `MakeProxyType`), made once. */
function proxyClass(typeid: string, exposed: readonly string[]): ProxyClass {
  const key = `${typeid}\u0000${exposed.join('\u0000')}`;
  let cls = classes.get(key);
  if (!cls) {
    const made = class extends BaseProxy {};
    Object.defineProperty(made, 'name', { value: `AutoProxy[${typeid}]` });
    for (const name of exposed) {
      if (!isExposable(name)) continue;
      Object.defineProperty(made.prototype, name, {
        value: {
          [name](this: BaseProxy, ...args: unknown[]) {
            return this._callmethod(name, args);
          },
        }[name],
        writable: true,
        configurable: true,
      });
    }
    classes.set(key, made);
    cls = made;
  }
  return cls;
}

/** A proxy for the object a `proxy` reply names. */
export function makeProxy(
  conn: ClientConnection,
  reply: Extract<Reply, { kind: 'proxy' }>,
): BaseProxy {
  const exposed = Object.freeze(reply.exposed.filter(isExposable));
  const Cls = proxyClass(reply.typeid, exposed);
  return new Cls(
    conn,
    Object.freeze({ typeid: reply.typeid, address: conn.address, id: reply.ref }),
    exposed,
  );
}
