/**
 * Where a manager's server listens: a host and a TCP port, given as `{ host, port }` or as
 * Python's `(host, port)` pair, `[host, port]`.
 */
import { checkInt, checkString, typeError, valueError } from '../_internal/validate.js';

/**
 * A manager server's address: a host name or IP address and a TCP port.
 *
 * @example
 * ```ts
 * import type { ManagerAddress } from 'weft/managers';
 * const address: ManagerAddress = { host: '127.0.0.1', port: 50000 };
 * ```
 */
export interface ManagerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * An address as the caller may write it: `{ host, port }`, or Python's pair `[host, port]`.
 *
 * @example
 * ```ts
 * import type { AddressLike } from 'weft/managers';
 * const a: AddressLike = ['127.0.0.1', 50000]; // Python's ('127.0.0.1', 50000)
 * const b: AddressLike = { host: '127.0.0.1', port: 50000 };
 * ```
 */
export type AddressLike = ManagerAddress | readonly [host: string, port: number];

/** Checks and normalises an address; `name` is the parameter named in errors. */
export function checkAddress(value: unknown, name = 'address'): ManagerAddress {
  let host: unknown;
  let port: unknown;
  if (Array.isArray(value)) {
    if (value.length !== 2) valueError(name, 'a [host, port] pair', value);
    [host, port] = value;
  } else if (typeof value === 'object' && value !== null) {
    ({ host, port } = value as Record<string, unknown>);
  } else {
    typeError(name, 'an object { host, port } or a [host, port] pair', value);
  }
  const h = checkString(host, `${name}.host`);
  if (h === '') valueError(`${name}.host`, 'a host name or IP address', h);
  return Object.freeze({ host: h, port: checkInt(port, `${name}.port`, 0, 65535) });
}

/** `host:port`, with an IPv6 host in brackets, for messages. */
export function formatAddress(address: ManagerAddress): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}
