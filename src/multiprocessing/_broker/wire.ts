/**
 * What travels between a process and its tree's broker, after the managers' handshake.
 *
 * Every frame (the managers' 4-byte length framing) holds one `node:v8`-serialized array of
 * messages, so that the calls made in one turn of the event loop go out in one write:
 *
 * - a request is `[id, object, method, args, after?]`: `id` 0 asks for no reply; `object` 0 is
 *   the broker itself (`create`, `cancel`, `expect`, `gone`, `attach`, `drop`); `after`, on a
 *   sync helper's request, is how many messages the thread had written on its own connection
 *   (the broker serves the request only once it has processed those);
 * - a reply is `[id, status, value]` with {@link Status};
 * - a batched request (`Batch` in client.ts: `putMany`, `getMany`) is an ordinary request
 *   whose `args` are its calls' arguments in call order; its reply's value holds the results
 *   of the first k ≥ 1 calls (an array), or is `undefined` for "all, with no result".
 *
 * Users' data (queue items, pipe messages, dict values) crosses as bytes made by
 * {@link encodeItem} in the sending process and read by {@link decodeItem} in the receiving
 * one: the broker stores and forwards those bytes and never decodes them.
 */
import { deserialize, serialize } from 'node:v8';
import { ArgumentTypeError } from '../../errors.js';
import { decodeSync, encode, findUncloneable } from '../../runtime/marshal.js';

/** The largest frame either side accepts after the handshake. */
export const MAX_MESSAGE = 256 * 1024 * 1024;

/** What the broker sends once it serves a peer (the peer sends requests only after it). */
export const READY: Buffer = Buffer.from('#READY#');

/** Who a connection speaks for, said in its hello `[pid, threadId, role]`. */
export const Role = { Own: 1, SyncHelper: 2 } as const;

/** How a request ended. */
export const Status = { Failed: 0, Ok: 1, Cancelled: 2 } as const;

/** One message: a request or a reply. */
export type Message = unknown[];

/** Encodes the messages of one frame. */
export function encodeFrameBody(messages: Message[]): Buffer {
  return serialize(messages);
}

/** Decodes the messages of one frame. */
export function decodeFrameBody(body: Buffer): Message[] {
  const messages = deserialize(body) as unknown;
  if (!Array.isArray(messages)) throw new TypeError('a broker frame must hold an array');
  return messages as Message[];
}

/**
 * A value encoded for another process: a primitive as itself (the frame's own `node:v8`
 * encoding carries it, which spares a serializer per item), anything else as bytes.
 */
export type Encoded = Uint8Array | string | number | bigint | boolean | null | undefined;

/**
 * Encodes a value for another process: errors keep their classes, exported functions cross
 * by reference, weft's process objects cross as handles. `what` names the value in errors.
 */
export function encodeItem(value: unknown, what: string): Encoded {
  if (
    value === null ||
    (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')
  )
    return value as Encoded;
  try {
    return serialize(typeof value === 'object' && value !== null ? encode(value, what) : value);
  } catch (err) {
    if (err instanceof ArgumentTypeError) throw err;
    const where = findUncloneable(value, what) ?? what;
    throw new ArgumentTypeError(
      `${where} cannot be sent to another process: only structured-cloneable values, errors, weft's process objects and exported functions cross (thread-level shared objects do not)`,
      { cause: err },
    );
  }
}

/** Decodes what {@link encodeItem} made: handles revived, errors and functions rebuilt. */
export function decodeItem(encoded: unknown): unknown {
  if (!(encoded instanceof Uint8Array)) return encoded;
  const value = deserialize(encoded);
  return typeof value === 'object' && value !== null ? decodeSync(value) : value;
}

/** Whether two encoded values encode the same value (a list's `index`, `count`, `remove`). */
export function sameEncoded(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
