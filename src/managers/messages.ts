/**
 * weft's messages after the handshake: each frame is one JSON array. CPython pickles its
 * messages here; weft never evaluates anything it receives, it only reads data (see
 * `values.ts` for how values are carried).
 *
 * Requests, client to server (`id` 0 asks for no reply):
 *
 * | request | meaning |
 * |---|---|
 * | `[id, 'hello', protocol]` | first message: the client's protocol version |
 * | `[id, 'create', typeid, args, proxied]` | run the callable registered as `typeid` |
 * | `[id, 'call', ref, method, args, proxied]` | call an exposed method of a proxied object |
 * | `[id, 'getvalue', ref]` | a copy of a proxied object |
 * | `[0, 'decref', ref]` | the client dropped its proxy for `ref` |
 * | `[id, 'shutdown']` | stop the server |
 *
 * `proxied` lists the indices of `args` that hold a `ref` of this connection: the server passes
 * the object itself there (as CPython passes a proxy's referent back to its own server).
 *
 * Replies, server to client: `[id, 'return', value]`, `[id, 'proxy', ref, typeid, exposed]`,
 * `[id, 'error', error]` (the callable or method threw) and `[id, 'remote', message]` (the
 * server could not do it: CPython's `RemoteError`).
 */
import { fromWire } from './values.js';

/** The version of these messages; the client sends it in `hello`. */
export const PROTOCOL = 1;

/** Ids run up to this and wrap to 1 (0 means "no reply"). */
export const MAX_ID = 0x7fffffff;

export type Request =
  | { id: number; op: 'hello'; protocol: number }
  | { id: number; op: 'create'; typeid: string; args: unknown[]; proxied: number[] }
  | {
      id: number;
      op: 'call';
      ref: number;
      method: string;
      args: unknown[];
      proxied: number[];
    }
  | { id: number; op: 'getvalue'; ref: number }
  | { id: number; op: 'decref'; ref: number }
  | { id: number; op: 'shutdown' };

export type Reply =
  | { id: number; kind: 'return'; value: unknown }
  | { id: number; kind: 'proxy'; ref: number; typeid: string; exposed: string[] }
  | { id: number; kind: 'error'; error: unknown }
  | { id: number; kind: 'remote'; message: string };

function malformed(what: string): never {
  throw new SyntaxError(`malformed ${what}`);
}

function int(value: unknown, what: string): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_ID
    ? (value as number)
    : malformed(what);
}

function str(value: unknown, what: string): string {
  return typeof value === 'string' ? value : malformed(what);
}

function args(value: unknown, proxied: unknown): { args: unknown[]; proxied: number[] } {
  if (!Array.isArray(value)) malformed('arguments');
  if (!Array.isArray(proxied)) malformed('proxied arguments');
  for (const i of proxied) if (int(i, 'proxied argument') >= value.length) malformed('proxied');
  return { args: fromWire(value) as unknown[], proxied };
}

function parse(frame: Buffer, what: string): unknown[] {
  const message = JSON.parse(frame.toString('utf8')) as unknown;
  return Array.isArray(message) && message.length >= 2 ? message : malformed(what);
}

/** Reads a request. Throws `SyntaxError` on anything that is not one. */
export function parseRequest(frame: Buffer): Request {
  const m = parse(frame, 'request');
  const id = int(m[0], 'request id');
  switch (m[1]) {
    case 'hello':
      return { id, op: 'hello', protocol: int(m[2], 'protocol') };
    case 'create':
      return { id, op: 'create', typeid: str(m[2], 'typeid'), ...args(m[3], m[4]) };
    case 'call':
      return {
        id,
        op: 'call',
        ref: int(m[2], 'ref'),
        method: str(m[3], 'method'),
        ...args(m[4], m[5]),
      };
    case 'getvalue':
    case 'decref':
      return { id, op: m[1], ref: int(m[2], 'ref') };
    case 'shutdown':
      return { id, op: 'shutdown' };
    default:
      return malformed('request kind');
  }
}

/** Reads a reply. Throws `SyntaxError` on anything that is not one. */
export function parseReply(frame: Buffer): Reply {
  const m = parse(frame, 'reply');
  const id = int(m[0], 'reply id');
  switch (m[1]) {
    case 'return':
      return { id, kind: 'return', value: fromWire(m[2]) };
    case 'proxy': {
      const exposed = Array.isArray(m[4]) ? m[4] : malformed('exposed');
      for (const name of exposed) str(name, 'exposed name');
      return { id, kind: 'proxy', ref: int(m[2], 'ref'), typeid: str(m[3], 'typeid'), exposed };
    }
    case 'error':
      return { id, kind: 'error', error: fromWire(m[2]) };
    case 'remote':
      return { id, kind: 'remote', message: str(m[2], 'message') };
    default:
      return malformed('reply kind');
  }
}

/** A message as the bytes of one frame. */
export function encodeMessage(message: readonly unknown[]): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
