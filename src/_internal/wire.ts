/**
 * A compact binary codec for task arguments and results on the pools' shared-memory rings.
 *
 * Most values a task receives or returns are numbers, strings, booleans, and arrays or plain
 * objects of those. The codec writes them directly (a tag byte, then the value), which is far
 * cheaper than structured clone or `v8.serialize` for small values. An array of numbers (a
map's chunk of items or of results, most often) is written as one block of int32s or
float64s, copied in and out by the engine rather than element by element. Anything else (Map, Set,
 * Date, BigInt, typed arrays, class instances…) is written as one `v8.serialize` blob; errors
 * and functions as their wire forms (`error_wire.ts`, `task_ref.ts`).
 *
 * Values that must cross as shared memory — a `SharedArrayBuffer`, a view on one, a weft
 * shared object — cannot be bytes: {@link encodeValue} reports them with {@link NEEDS_PORT},
 * and the caller sends that task's payload over its worker's MessagePort instead.
 */
import * as v8 from 'node:v8';

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT = 4;
const T_FLOAT = 5;
const T_STRING = 6;
const T_ARRAY = 7;
const T_OBJECT = 8;
const T_V8 = 9;
const T_ERROR = 10;
const T_FUNCTION = 11;
const T_HOLE = 12;
/** An array of int32 numbers: a count, then each as 4 bytes (little-endian). */
const T_INTS = 13;
/** An array of numbers: a count, then each as a float64 (little-endian). */
const T_FLOATS = 14;

/** Arrays of numbers at least this long are written as one block ({@link T_INTS}, {@link T_FLOATS}). */
const NUMBERS_MIN = 8;
/** Typed arrays use the platform's byte order: blocks are written only where it is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Scratch memory for blocks of numbers, grown as needed (encoding and decoding are synchronous). */
let scratch = new ArrayBuffer(1 << 16);
function scratchFor(bytes: number): ArrayBuffer {
  if (scratch.byteLength < bytes) {
    let size = scratch.byteLength * 2;
    while (size < bytes) size *= 2;
    scratch = new ArrayBuffer(size);
  }
  return scratch;
}

/**
 * `T_INTS` if every element of `a[from … to)` is an int32 number (not -0), `T_FLOATS` if every
 * one is a number, else 0 (holes and other values make it 0).
 */
function numbersKind(a: readonly unknown[], from: number, to: number): number {
  let kind = T_INTS;
  for (let i = from; i < to; i++) {
    const v = a[i];
    if (typeof v !== 'number') return 0;
    if ((v | 0) !== v || (v === 0 && 1 / v < 0)) kind = T_FLOATS;
  }
  return kind;
}

/** Writes `a[from … to)`, all numbers, as one block: a tag, the count, then the values' bytes. */
function writeNumbers(
  w: WireWriter,
  a: readonly number[],
  from: number,
  to: number,
  kind: number,
): void {
  const n = to - from;
  const bytes = n * (kind === T_INTS ? 4 : 8);
  w.ensure(5 + bytes);
  w.buf[w.pos] = kind;
  w.buf.writeUInt32LE(n, w.pos + 1);
  w.pos += 5;
  const mem = scratchFor(bytes);
  const view = kind === T_INTS ? new Int32Array(mem, 0, n) : new Float64Array(mem, 0, n);
  if (from === 0 && to === a.length) view.set(a);
  else for (let i = 0; i < n; i++) view[i] = a[from + i]!;
  w.buf.set(new Uint8Array(mem, 0, bytes), w.pos);
  w.pos += bytes;
}

/** Reads a block of `n` numbers at `b[pos …)` into `out` (its length set to `n`). */
function readNumbers(b: Buffer, pos: number, n: number, kind: number, out: unknown[]): unknown[] {
  const size = kind === T_INTS ? 4 : 8;
  const bytes = n * size;
  if (out.length !== n) out.length = n;
  if (!LITTLE_ENDIAN) {
    const view = new DataView(b.buffer, b.byteOffset + pos, bytes);
    for (let i = 0; i < n; i++)
      out[i] = kind === T_INTS ? view.getInt32(i * 4, true) : view.getFloat64(i * 8, true);
    return out;
  }
  // A typed view on the bytes where they are, if aligned; else on a copy.
  const at = b.byteOffset + pos;
  let mem: ArrayBufferLike = b.buffer;
  let offset = at;
  if (at % size !== 0) {
    mem = scratchFor(bytes);
    offset = 0;
    new Uint8Array(mem, 0, bytes).set(new Uint8Array(b.buffer, at, bytes));
  }
  if (kind === T_INTS) {
    const view = new Int32Array(mem, offset, n);
    for (let i = 0; i < n; i++) out[i] = view[i]!;
  } else {
    const view = new Float64Array(mem, offset, n);
    for (let i = 0; i < n; i++) out[i] = view[i]!;
  }
  return out;
}

/** Thrown by the encoder for a value that must cross as shared memory. */
export const NEEDS_PORT: unique symbol = Symbol('weft.wire.needsPort');

/** Hooks for values the codec does not write itself. */
export interface WireHooks {
  /** A function in the value: its wire form (a plain, JSON-able object). */
  encodeFunction(fn: Function, path: string): unknown;
  /** An error in the value: its wire form (a plain, JSON-able object). */
  encodeError(err: unknown): unknown;
}

/** A growable scratch buffer the encoder writes into; reused between calls. */
export class WireWriter {
  buf: Buffer = Buffer.allocUnsafe(4096);
  pos = 0;

  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    const max = s.length * 3;
    this.ensure(5 + max);
    const at = this.pos + 4;
    const n = this.buf.write(s, at, max, 'utf8');
    this.buf.writeUInt32LE(n, this.pos);
    this.pos = at + n;
  }
}

function isShared(value: object): boolean {
  if (value instanceof SharedArrayBuffer) return true;
  if (ArrayBuffer.isView(value)) return value.buffer instanceof SharedArrayBuffer;
  return false;
}

function plainPrototype(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Writes `value`; throws {@link NEEDS_PORT} for shared memory. */
export function encodeValue(
  w: WireWriter,
  value: unknown,
  hooks: WireHooks,
  path = 'value',
  depth = 0,
): void {
  switch (typeof value) {
    case 'undefined':
      w.u8(T_UNDEFINED);
      return;
    case 'boolean':
      w.u8(value ? T_TRUE : T_FALSE);
      return;
    case 'number':
      if ((value | 0) === value && !Object.is(value, -0)) {
        w.ensure(5);
        w.buf[w.pos] = T_INT;
        w.buf.writeInt32LE(value, w.pos + 1);
        w.pos += 5;
      } else {
        w.ensure(9);
        w.buf[w.pos] = T_FLOAT;
        w.buf.writeDoubleLE(value, w.pos + 1);
        w.pos += 9;
      }
      return;
    case 'string':
      w.u8(T_STRING);
      w.string(value);
      return;
    case 'function': {
      w.u8(T_FUNCTION);
      w.string(JSON.stringify(hooks.encodeFunction(value, path)));
      return;
    }
    case 'object':
      break;
    default:
      blob(w, value, path);
      return;
  }
  if (value === null) {
    w.u8(T_NULL);
    return;
  }
  if (depth > 100) throw new RangeError(`${path} is nested too deeply`);
  if (Array.isArray(value)) {
    encodeItems(w, value, 0, value.length, hooks, path, depth);
    return;
  }
  if (value instanceof Error) {
    w.u8(T_ERROR);
    w.string(JSON.stringify(hooks.encodeError(value)));
    return;
  }
  if ('$weft' in value) {
    // A handle on an object a server holds (a process-wide Lock, Queue…: no shared memory)
    // is plain data: it crosses as bytes and is revived on the other side.
    const d = (value as { $weft?: { buffer?: unknown } }).$weft;
    if (!d || d.buffer !== undefined) throw NEEDS_PORT;
    w.u8(T_OBJECT);
    w.u32(1);
    w.string('$weft');
    encodeValue(w, d, hooks, path, depth + 1);
    return;
  }
  if (isShared(value)) throw NEEDS_PORT;
  if (plainPrototype(value)) {
    const keys = Object.keys(value);
    w.u8(T_OBJECT);
    w.u32(keys.length);
    for (const k of keys) {
      w.string(k);
      encodeValue(w, (value as Record<string, unknown>)[k], hooks, path, depth + 1);
    }
    return;
  }
  blob(w, value, path);
}

/**
 * Writes `items[from … to)` as an array (what {@link encodeValue} writes for
 * `items.slice(from, to)`, without the copy); throws {@link NEEDS_PORT} for shared memory.
 */
export function encodeItems(
  w: WireWriter,
  items: readonly unknown[],
  from: number,
  to: number,
  hooks: WireHooks,
  path = 'value',
  depth = 0,
): void {
  if (LITTLE_ENDIAN && to - from >= NUMBERS_MIN) {
    const kind = numbersKind(items, from, to);
    if (kind !== 0) {
      writeNumbers(w, items as number[], from, to, kind);
      return;
    }
  }
  w.u8(T_ARRAY);
  w.u32(to - from);
  for (let i = from; i < to; i++) {
    if (!(i in items)) w.u8(T_HOLE);
    else encodeValue(w, items[i], hooks, path, depth + 1);
  }
}

function blob(w: WireWriter, value: unknown, path: string): void {
  let bytes: Buffer;
  try {
    bytes = v8.serialize(value);
  } catch (err) {
    throw Object.assign(
      new TypeError(`${path} cannot be sent to another thread: ${(err as Error).message}`),
      { cause: err },
    );
  }
  w.u8(T_V8);
  w.u32(bytes.length);
  w.bytes(bytes);
}

/** Reads values written by {@link encodeValue} from `buf[pos …)`. */
export class WireReader {
  pos = 0;
  /** Set when a function or a server-held object's handle was read: the value needs `decode` to be live. */
  sawSpecial = false;

  constructor(public buf: Buffer) {}

  read(hooks: {
    decodeFunction(ref: unknown): unknown;
    decodeError(wire: unknown): unknown;
  }): unknown {
    const b = this.buf;
    const tag = b[this.pos++];
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT: {
        const v = b.readInt32LE(this.pos);
        this.pos += 4;
        return v;
      }
      case T_FLOAT: {
        const v = b.readDoubleLE(this.pos);
        this.pos += 8;
        return v;
      }
      case T_STRING:
        return this.string();
      case T_ARRAY: {
        const n = b.readUInt32LE(this.pos);
        this.pos += 4;
        const out = new Array(n);
        for (let i = 0; i < n; i++) {
          if (b[this.pos] === T_HOLE) this.pos++;
          else out[i] = this.read(hooks);
        }
        return out;
      }
      case T_INTS:
      case T_FLOATS: {
        const n = b.readUInt32LE(this.pos);
        const out = readNumbers(b, this.pos + 4, n, tag, new Array(n));
        this.pos += 4 + n * (tag === T_INTS ? 4 : 8);
        return out;
      }
      case T_OBJECT: {
        const n = b.readUInt32LE(this.pos);
        this.pos += 4;
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.string();
          if (k === '$weft') this.sawSpecial = true;
          out[k] = this.read(hooks);
        }
        return out;
      }
      case T_V8: {
        const n = b.readUInt32LE(this.pos);
        this.pos += 4;
        const v = v8.deserialize(Buffer.from(b.subarray(this.pos, this.pos + n)));
        this.pos += n;
        return v;
      }
      case T_ERROR:
        return hooks.decodeError(JSON.parse(this.string()));
      case T_FUNCTION:
        this.sawSpecial = true;
        return hooks.decodeFunction(JSON.parse(this.string()));
      default:
        throw new Error(`weft wire: unknown tag ${tag} at ${this.pos - 1}`);
    }
  }

  /**
   * If the next value is an array of numbers written as one block, reads it into `out` (its
   * length set to the count) and returns `out`; else reads nothing and returns undefined. Lets
   * a caller that uses the array only for a moment reuse one.
   */
  readNumbersInto(out: unknown[]): unknown[] | undefined {
    const b = this.buf;
    const tag = b[this.pos];
    if (tag !== T_INTS && tag !== T_FLOATS) return undefined;
    const n = b.readUInt32LE(this.pos + 1);
    readNumbers(b, this.pos + 5, n, tag, out);
    this.pos += 5 + n * (tag === T_INTS ? 4 : 8);
    return out;
  }

  string(): string {
    const n = this.buf.readUInt32LE(this.pos);
    const start = this.pos + 4;
    this.pos = start + n;
    return this.buf.toString('utf8', start, start + n);
  }
}
