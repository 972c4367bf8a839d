/**
 * How a queue item crosses: serialized to bytes by value, stored in shared memory, rebuilt in
 * the thread that takes it.
 *
 * Numbers, strings, booleans, `null`, `undefined`, and small arrays and plain objects of
 * those (a few levels deep) take a compact format written and read here, without the
 * per-call cost of `node:v8`. Anything else goes through `v8.serialize` (Maps, Sets, Dates,
 * typed arrays, bigints, cycles…); errors keep their class, message, stack, code and cause as
 * in weft's other transports. What cannot cross this way is refused by {@link encodeItem},
 * naming its path inside the item, before anything is stored: an item holding a
 * `SharedArrayBuffer` (a weft shared object, a typed array on shared memory) — copying it
 * would silently stop sharing it — and functions, symbols and other values the serializer
 * refuses.
 *
 * Format (little-endian): a tag byte, then
 *
 * | tag | payload |
 * |---|---|
 * | UNDEFINED, NULL, FALSE, TRUE | none |
 * | INT | int32 |
 * | FLOAT | float64 (any other number: -0, NaN, fractions, large integers) |
 * | LATIN1 | uint32 length, one byte per code unit (every code unit < 256) |
 * | UTF16 | uint32 length, two bytes per code unit (lone surrogates kept) |
 * | ARRAY | uint32 count, the elements |
 * | OBJECT | uint32 count, then count × (key as LATIN1/UTF16, value) |
 * | V8 | uint32 length, `v8.serialize` bytes |
 * | V8_MARSHALLED | as V8, of a value whose errors were flattened (rebuilt on decoding) |
 * @internal
 */
import { createRequire } from 'node:module';
import { describe } from '../_internal/validate.js';
import { ArgumentTypeError } from '../errors.js';
import { decodeSync, findUncloneable, encode as marshal } from '../runtime/marshal.js';

const UNDEFINED = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const INT = 4;
const FLOAT = 5;
const LATIN1 = 6;
const UTF16 = 7;
const ARRAY = 8;
const OBJECT = 9;
const V8 = 10;
const V8_MARSHALLED = 11;

let v8: typeof import('node:v8') | undefined;

/** `node:v8`, loaded on first use: importing it costs milliseconds every thread would pay. */
function nodeV8(): typeof import('node:v8') {
  v8 ??= createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  return v8;
}

/** Containers nested deeper than this, or larger, go through `node:v8`. */
const FAST_DEPTH = 3;
const FAST_ENTRIES = 64;
/** Strings up to this length are copied code unit by code unit; longer ones natively. */
const SHORT_STRING = 32;
const NOT_LATIN1 = /[^\u0000-\u00ff]/;

/** Bytes that hold a value on its way into or out of shared memory. */
export interface ByteView {
  readonly u8: Uint8Array;
  readonly dv: DataView;
}

/**
 * This thread's encoding scratch. A put encodes here, then copies into shared memory without
 * yielding in between; a put that must wait first copies its bytes out ({@link ownBytes}).
 */
let scratch = Buffer.allocUnsafeSlow(1024);
let scratchView: ByteView = {
  u8: scratch,
  dv: new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength),
};
let pos = 0;

function reserve(n: number): void {
  if (pos + n <= scratch.length) return;
  let size = scratch.length * 2;
  while (size < pos + n) size *= 2;
  const bigger = Buffer.allocUnsafeSlow(size);
  scratch.copy(bigger, 0, 0, pos);
  scratch = bigger;
  scratchView = { u8: bigger, dv: new DataView(bigger.buffer, bigger.byteOffset, size) };
}

function writeTag(tag: number): void {
  reserve(1);
  scratch[pos++] = tag;
}

function writeU32(tag: number, n: number): void {
  reserve(5);
  scratch[pos] = tag;
  scratchView.dv.setUint32(pos + 1, n, true);
  pos += 5;
}

function writeNumber(v: number): void {
  if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
    reserve(5);
    scratch[pos] = INT;
    scratchView.dv.setInt32(pos + 1, v, true);
    pos += 5;
  } else {
    reserve(9);
    scratch[pos] = FLOAT;
    scratchView.dv.setFloat64(pos + 1, v, true);
    pos += 9;
  }
}

function writeString(s: string): void {
  const n = s.length;
  if (n <= SHORT_STRING) {
    reserve(5 + 2 * n);
    let wide = false;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) > 0xff) {
        wide = true;
        break;
      }
    }
    const at = pos + 5;
    if (wide) {
      writeU32(UTF16, n);
      for (let i = 0; i < n; i++) scratchView.dv.setUint16(at + 2 * i, s.charCodeAt(i), true);
      pos += 2 * n;
    } else {
      writeU32(LATIN1, n);
      for (let i = 0; i < n; i++) scratch[at + i] = s.charCodeAt(i);
      pos += n;
    }
    return;
  }
  const wide = NOT_LATIN1.test(s);
  writeU32(wide ? UTF16 : LATIN1, n);
  reserve(wide ? 2 * n : n);
  pos += scratch.write(s, pos, wide ? 'utf16le' : 'latin1');
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The arrays and objects met by the current {@link writeFast}. */
const containers: object[] = [];

/** Writes `v` in the compact format; false (with `pos` unspecified) if it needs `node:v8`. */
function writeFast(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'number':
      writeNumber(v);
      return true;
    case 'string':
      writeString(v);
      return true;
    case 'boolean':
      writeTag(v ? TRUE : FALSE);
      return true;
    case 'undefined':
      writeTag(UNDEFINED);
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) {
    writeTag(NULL);
    return true;
  }
  if (depth >= FAST_DEPTH || containers.includes(v)) return false; // v8 keeps shared references
  containers.push(v);
  if (Array.isArray(v)) {
    const n = v.length;
    if (n > FAST_ENTRIES || Object.getPrototypeOf(v) !== Array.prototype) return false;
    writeU32(ARRAY, n);
    for (let i = 0; i < n; i++) {
      const e = v[i];
      if (e === undefined && !(i in v)) return false; // a hole: v8 keeps it
      if (!writeFast(e, depth + 1)) return false;
    }
    return true;
  }
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  if (keys.length > FAST_ENTRIES) return false;
  writeU32(OBJECT, keys.length);
  for (const k of keys) {
    if (k === '__proto__') return false; // an own key of that name: v8 rebuilds it as one
    writeString(k);
    if (!writeFast((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

function article(name: string): string {
  return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** Where in `value` a SharedArrayBuffer, a function or a symbol sits, and what it is. */
function findUnsendable(
  value: unknown,
  path: string,
  seen: Set<object>,
): { path: string; what: string; shared: boolean } | undefined {
  if (typeof value === 'function' || typeof value === 'symbol')
    return { path, what: describe(value), shared: false };
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof SharedArrayBuffer)
    return { path, what: 'a SharedArrayBuffer', shared: true };
  if (ArrayBuffer.isView(value)) {
    return value.buffer instanceof SharedArrayBuffer
      ? { path, what: `${article(value.constructor.name)} on shared memory`, shared: true }
      : undefined;
  }
  if (Object.hasOwn(value, '$weft')) {
    const type = (value as { $weft?: { type?: unknown; uid?: unknown } }).$weft;
    if (type && typeof type.type === 'string')
      return { path, what: `a weft ${type.type} (#${type.uid})`, shared: true };
  }
  const visit = (v: unknown, p: string) => findUnsendable(v, p, seen);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const found = visit(k, `${path}.<key>`) ?? visit(v, `${path}.get(${String(k)})`);
      if (found) return found;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const found = visit(v, `${path}.<item>`);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = visit(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const k of Object.keys(value)) {
    const found = visit((value as Record<string, unknown>)[k], `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

function unsendableError(found: { path: string; what: string; shared: boolean }): never {
  if (found.shared) {
    throw new ArgumentTypeError(
      `${found.path} is ${found.what}, which cannot be put in a queue: items are copied, and a ` +
        'copy of shared memory would no longer be shared. Pass shared objects to threads as ' +
        'arguments (Thread args) instead, and queue plain data.',
    );
  }
  throw new ArgumentTypeError(
    `${found.path} (${found.what}) cannot be put in a queue: items cross by value, and functions ` +
      'and symbols do not serialize',
  );
}

function writeV8(item: unknown): void {
  const found = findUnsendable(item, 'item', new Set());
  if (found) unsendableError(found);
  const flat = marshal(item, 'item');
  let bytes: Buffer;
  try {
    bytes = nodeV8().serialize(flat);
  } catch (err) {
    const where = findUncloneable(item, 'item') ?? 'item';
    throw new ArgumentTypeError(
      `${where} cannot be put in a queue: items cross by value (v8 serialization)`,
      { cause: err },
    );
  }
  writeU32(flat === item ? V8 : V8_MARSHALLED, bytes.length);
  reserve(bytes.length);
  bytes.copy(scratch, pos);
  pos += bytes.length;
}

/**
 * Serializes `item` into this thread's scratch and returns how many bytes it took (read them
 * with {@link encodedBytes}). Throws `ArgumentTypeError` naming the path of what cannot cross.
 */
export function encodeItem(item: unknown): number {
  pos = 0;
  containers.length = 0;
  if (!writeFast(item, 0)) {
    pos = 0;
    writeV8(item);
  }
  return pos;
}

/** The scratch holding the last {@link encodeItem}'s bytes (valid until the next call). */
export function encodedBytes(): Uint8Array {
  return scratch;
}

/** A private copy of the last {@link encodeItem}'s `n` bytes, for a put that must wait. */
export function ownBytes(n: number): Uint8Array {
  return new Uint8Array(scratch.subarray(0, n));
}

// --- decoding ----------------------------------------------------------------------------

let rpos = 0;

function readString(src: ByteView, tag: number): string {
  const u8 = src.u8;
  const n = src.dv.getUint32(rpos, true);
  rpos += 4;
  const at = rpos;
  if (tag === LATIN1) {
    rpos += n;
    if (n <= SHORT_STRING) {
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(u8[at + i]!);
      return s;
    }
    return Buffer.from(u8.buffer, u8.byteOffset + at, n).toString('latin1');
  }
  rpos += 2 * n;
  if (n <= SHORT_STRING) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(src.dv.getUint16(at + 2 * i, true));
    return s;
  }
  return Buffer.from(u8.buffer, u8.byteOffset + at, 2 * n).toString('utf16le');
}

function readValue(src: ByteView): unknown {
  const tag = src.u8[rpos++]!;
  switch (tag) {
    case UNDEFINED:
      return undefined;
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case INT:
      rpos += 4;
      return src.dv.getInt32(rpos - 4, true);
    case FLOAT:
      rpos += 8;
      return src.dv.getFloat64(rpos - 8, true);
    case LATIN1:
    case UTF16:
      return readString(src, tag);
    case ARRAY: {
      const n = src.dv.getUint32(rpos, true);
      rpos += 4;
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(src);
      return out;
    }
    case OBJECT: {
      const n = src.dv.getUint32(rpos, true);
      rpos += 4;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = readString(src, src.u8[rpos++]!);
        out[key] = readValue(src);
      }
      return out;
    }
    case V8:
    case V8_MARSHALLED: {
      const n = src.dv.getUint32(rpos, true);
      rpos += 4;
      // Copied out of shared memory: the deserializer wants memory no other thread writes.
      const copy = Buffer.from(src.u8.subarray(rpos, rpos + n));
      rpos += n;
      const value = nodeV8().deserialize(copy);
      return tag === V8 ? value : decodeSync(value);
    }
    default:
      throw new TypeError(`weft: corrupt queue item (tag ${tag})`);
  }
}

/** Rebuilds the item whose bytes start at `offset` of `src`. */
export function decodeItem(src: ByteView, offset: number): unknown {
  rpos = offset;
  return readValue(src);
}
