/**
 * `weft/managers`: Python's `multiprocessing.managers.BaseManager` over TCP with an authkey.
 * A server runs registered callables for authenticated clients; a client calls them as methods
 * of its manager and gets back copies of their results, or proxies for objects with methods.
 *
 * The handshake is CPython's byte for byte (`#CHALLENGE#{sha256}`, HMAC-SHA256, both ways);
 * the messages after it are weft's own JSON, never code. See `docs/managers.md`.
 *
 * @example
 * ```ts
 * import { BaseManager } from 'weft/managers';
 *
 * class MathManager extends BaseManager {
 *   declare sum: (a: number, b: number) => Promise<number>;
 * }
 * MathManager.register('sum', (a: number, b: number) => ((a + b) * (b - a + 1)) / 2);
 *
 * // the server
 * const served = new MathManager({ address: ['127.0.0.1', 50000], authkey: 'abc' });
 * const server = await served.getServer();
 * void server.serveForever();
 *
 * // a client
 * await using m = new MathManager({ address: ['127.0.0.1', 50000], authkey: 'abc' });
 * await m.connect();
 * console.log(await m.sum(1, 100)); // 5050
 * await server.shutdown();
 * ```
 * @module
 */
export { AuthenticationError, RemoteError } from '../errors.js';
export type { AddressLike, ManagerAddress } from './address.js';
export { BaseManager, type ConnectOptions, type ManagerOptions } from './manager.js';
export { BaseProxy, type Token } from './proxy.js';
export type { RegisterOptions } from './registry.js';
export { type ServeOptions, Server } from './server.js';
export type {
  AutoProxy,
  DataValue,
  MethodNames,
  RemoteArgs,
  RemoteCallable,
  RemoteResult,
} from './types.js';
