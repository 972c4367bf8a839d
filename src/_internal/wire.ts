/**
 * A compact binary codec for task arguments and results on the pools' shared-memory rings.
 *
 * Most values a task receives or returns are numbers, strings, booleans, and arrays or plain
 * objects of those. The codec writes them directly (a tag byte, then the value), which is far
 * cheaper than structured clone or `v8.serialize` for small values. Anything else (Map, Set,
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
    w.u8(T_ARRAY);
    w.u32(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) w.u8(T_HOLE);
      else encodeValue(w, value[i], hooks, path, depth + 1);
    }
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

  string(): string {
    const n = this.buf.readUInt32LE(this.pos);
    const start = this.pos + 4;
    this.pos = start + n;
    return this.buf.toString('utf8', start, start + n);
  }
}
