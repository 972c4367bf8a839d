/**
 * The authkey challenge of `multiprocessing.connection`, as CPython 3.12 and later speak it.
 *
 * The challenger sends `#CHALLENGE#` + `{sha256}` + 40 random bytes; the peer answers
 * `{sha256}` + HMAC-SHA256(authkey, `{sha256}` + the 40 bytes); the challenger compares in
 * constant time and sends `#WELCOME#` or `#FAILURE#`. The MAC covers the digest prefix, so a
 * peer in the middle cannot swap the digest for a weaker one.
 *
 * weft never answers or accepts HMAC-MD5: not the unprefixed 16-byte answer of Python 3.11 and
 * earlier (a "legacy" challenge or answer is refused, naming the reason), nor `{md5}`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { typeError, valueError } from '../_internal/validate.js';
import { AuthenticationError } from '../errors.js';

export const CHALLENGE = Buffer.from('#CHALLENGE#');
export const WELCOME = Buffer.from('#WELCOME#');
export const FAILURE = Buffer.from('#FAILURE#');

/** Every read of the handshake is capped at this many bytes (as CPython's). */
export const HANDSHAKE_FRAME_LIMIT = 256;

/** Random bytes in a challenge (CPython's `MESSAGE_LENGTH`). */
const NONCE_LENGTH = 40;
/** The digest weft asks for. */
const DIGEST = 'sha256';
/** Digests weft answers, by CPython's name: Node's name for each. MD5 is left out on purpose. */
const ANSWERED: ReadonlyMap<string, string> = new Map([
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha3_256', 'sha3-256'],
  ['sha3_384', 'sha3-384'],
]);
/** The longest digest name CPython allows (`sha3_256`). */
const MAX_DIGEST_NAME = 8;
/** Lengths of the unprefixed HMAC-MD5 messages of Python 3.11 and earlier. */
const LEGACY_LENGTHS = [16, 20];

const LEGACY =
  'the peer speaks the HMAC-MD5 handshake of Python 3.11 and earlier; weft requires the ' +
  "{sha256} handshake of Python 3.12 and later (or another weft's)";

/**
 * Checks an authkey: a non-empty string (taken as UTF-8) or bytes. Returns its bytes.
 *
 * @example
 * ```ts
 * checkAuthkey('abc'); // <Buffer 61 62 63>
 * ```
 */
export function checkAuthkey(value: unknown, name = 'authkey'): Buffer {
  let key: Buffer;
  if (typeof value === 'string') key = Buffer.from(value, 'utf8');
  else if (value instanceof Uint8Array) key = Buffer.from(value);
  else typeError(name, 'a string or a Buffer', value);
  if (key.length === 0) valueError(name, 'a non-empty key', value);
  return key;
}

/** A digest prefix and what follows it, from `{name}payload`; `undefined` if there is none. */
function splitDigest(message: Buffer): { name: string; payload: Buffer } | undefined {
  if (message[0] !== 0x7b /* { */) return undefined;
  const close = message.indexOf(0x7d /* } */, 1);
  if (close < 2 || close > MAX_DIGEST_NAME + 1) return undefined;
  return {
    name: message.subarray(1, close).toString('latin1'),
    payload: message.subarray(close + 1),
  };
}

function mac(nodeDigest: string, authkey: Buffer, message: Buffer): Buffer {
  return createHmac(nodeDigest, authkey).update(message).digest();
}

/** A fresh challenge: the frame to send, and the message whose MAC the peer must return. */
export function createChallenge(): { frame: Buffer; message: Buffer } {
  const message = Buffer.concat([Buffer.from(`{${DIGEST}}`), randomBytes(NONCE_LENGTH)]);
  return { frame: Buffer.concat([CHALLENGE, message]), message };
}

/**
 * Checks the peer's answer to `message`. Returns `undefined` when it is right, or why not. The
 * answer must use the digest that was asked for and is compared in constant time.
 */
export function verifyAnswer(authkey: Buffer, message: Buffer, answer: Buffer): string | undefined {
  if (LEGACY_LENGTHS.includes(answer.length)) return LEGACY;
  const split = splitDigest(answer);
  if (!split) return 'the answer has no {digest} prefix';
  if (split.name !== DIGEST) return `the answer uses ${split.name}, not the ${DIGEST} asked for`;
  const expected = mac(DIGEST, authkey, message);
  if (split.payload.length !== expected.length)
    return `expected a ${DIGEST} MAC of ${expected.length} bytes, got ${split.payload.length}`;
  return timingSafeEqual(split.payload, expected) ? undefined : 'digest received was wrong';
}

/**
 * The answer to a challenge frame received from the peer. Throws `AuthenticationError` if the
 * frame is not a challenge, is a legacy HMAC-MD5 one, or asks for a digest weft does not use.
 */
export function answerChallenge(authkey: Buffer, frame: Buffer): Buffer {
  if (!frame.subarray(0, CHALLENGE.length).equals(CHALLENGE))
    throw new AuthenticationError('protocol error: expected a #CHALLENGE# from the peer');
  const message = frame.subarray(CHALLENGE.length);
  if (LEGACY_LENGTHS.includes(message.length)) throw new AuthenticationError(LEGACY);
  const split = splitDigest(message);
  const nodeDigest = split && ANSWERED.get(split.name);
  if (!split || !nodeDigest)
    throw new AuthenticationError(
      `the challenge asks for an unsupported digest${split ? ` '${split.name}'` : ''}; weft answers ${[...ANSWERED.keys()].join(', ')}`,
    );
  if (split.payload.length < LEGACY_LENGTHS[1]!)
    throw new AuthenticationError(`the challenge is too short: ${split.payload.length} bytes`);
  return Buffer.concat([Buffer.from(`{${split.name}}`), mac(nodeDigest, authkey, message)]);
}
