/**
 * How values cross between a manager's client and its server: JSON, with a few tagged forms
 * for what JSON cannot carry. A tagged value is an object whose key `#` names its kind:
 *
 * | kind | JavaScript value | carried as |
 * |---|---|---|
 * | `u` | `undefined` | nothing more |
 * | `n` | `NaN`, `Infinity`, `-Infinity`, `-0` | `v`: the number's name |
 * | `b` | a `bigint` | `v`: its decimal digits |
 * | `d` | a `Date` | `v`: its time in ms (`null` if invalid) |
 * | `r` | a `RegExp` | `v`: its source, `f`: its flags |
 * | `m` | a `Map` | `v`: `[key, value]` pairs |
 * | `s` | a `Set` | `v`: its members |
 * | `x` | a `Buffer`, typed array or `ArrayBuffer` | `t`: its class, `v`: base64 bytes |
 * | `e` | an `Error` | `v`: class name, message, stack, code, cause |
 * | `o` | a plain object that has a key `#` of its own | `v`: the object |
 *
 * Other objects cross as their own enumerable properties (as structured clone does), after
 * `toJSON` if they have one; an array's holes come back `undefined`. Functions, symbols,
 * promises, weak collections and circular structures are refused at the sender with an
 * `ArgumentTypeError` naming where they were found.
 *
 * JSON rather than `node:v8` serialization: parsing a JSON frame of n bytes costs O(n) time and
 * memory whatever the bytes are, while `v8.deserialize` of crafted bytes can allocate far more
 * than it was given (one 50-byte input took half a second and 136 MB before it failed); and a
 * small call encodes and decodes about five times faster as JSON.
 */
import { describe } from '../_internal/validate.js';
import { ArgumentTypeError } from '../errors.js';
import { decodeError, encodeError } from '../runtime/error_wire.js';

/** Nesting deeper than this is refused (and never recursed into). */
const MAX_DEPTH = 512;

const TAG = '#';

type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView;

/** Binary classes that cross, by name. */
const BINARY: Readonly<Record<string, new (buffer: ArrayBuffer) => Bytes>> = {
  ArrayBuffer: ArrayBuffer as never,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

function own(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` as a plain key: define it, never set the prototype through it.
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}

class Encoder {
  readonly #keys: (string | number)[] = [];
  readonly #ancestors: object[] = [];

  constructor(
    readonly root: string,
    readonly context: string,
  ) {}

  #refuse(reason: string): never {
    const at = this.#keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
    throw new ArgumentTypeError(
      `${this.root}${at} ${this.context} cannot cross to the other side: it is ${reason}`,
    );
  }

  #at(key: string | number, value: unknown): unknown {
    this.#keys.push(key);
    const out = this.encode(value);
    this.#keys.pop();
    return out;
  }

  encode(value: unknown): unknown {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (Number.isFinite(value) && !Object.is(value, -0)) return value;
        return { [TAG]: 'n', v: Object.is(value, -0) ? '-0' : String(value) };
      case 'undefined':
        return { [TAG]: 'u' };
      case 'bigint':
        return { [TAG]: 'b', v: value.toString() };
      case 'object':
        if (value === null) return null;
        return this.#object(value);
      default:
        return this.#refuse(describe(value));
    }
  }

  #object(value: object): unknown {
    if (this.#ancestors.includes(value)) this.#refuse('a circular reference');
    if (this.#ancestors.length >= MAX_DEPTH) this.#refuse(`nested over ${MAX_DEPTH} deep`);
    this.#ancestors.push(value);
    try {
      return this.#compound(value);
    } finally {
      this.#ancestors.pop();
    }
  }

  #compound(value: object): unknown {
    if (Array.isArray(value)) {
      const out = new Array(value.length);
      for (let i = 0; i < value.length; i++) out[i] = this.#at(i, value[i]);
      return out;
    }
    if (value instanceof Date) {
      const t = value.getTime();
      return { [TAG]: 'd', v: Number.isNaN(t) ? null : t };
    }
    if (value instanceof Map) {
      let i = 0;
      const pairs: unknown[] = [];
      for (const [k, v] of value) pairs.push([this.#at(i, k), this.#at(i++, v)]);
      return { [TAG]: 'm', v: pairs };
    }
    if (value instanceof Set) {
      let i = 0;
      const members: unknown[] = [];
      for (const v of value) members.push(this.#at(i++, v));
      return { [TAG]: 's', v: members };
    }
    if (value instanceof RegExp) return { [TAG]: 'r', v: value.source, f: value.flags };
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return this.#binary(value);
    if (value instanceof Promise) this.#refuse('a Promise (await it first)');
    if (
      value instanceof WeakMap ||
      value instanceof WeakSet ||
      value instanceof WeakRef ||
      value instanceof SharedArrayBuffer
    )
      this.#refuse(describe(value));
    if (value instanceof Error) return { [TAG]: 'e', v: this.encode(encodeError(value)) };
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return this.encode(toJSON.call(value));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value))
      own(out, key, this.#at(key, (value as Record<string, unknown>)[key]));
    return Object.hasOwn(out, TAG) ? { [TAG]: 'o', v: out } : out;
  }

  #binary(value: ArrayBuffer | ArrayBufferView): unknown {
    const name = Buffer.isBuffer(value) ? 'Buffer' : value.constructor.name;
    if (name !== 'Buffer' && !Object.hasOwn(BINARY, name)) this.#refuse(describe(value));
    const bytes =
      value instanceof ArrayBuffer
        ? Buffer.from(value)
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { [TAG]: 'x', t: name, v: bytes.toString('base64') };
  }
}

/**
 * `value` in a form `JSON.stringify` carries exactly. Throws `ArgumentTypeError` naming where
 * a value that cannot cross was found: `args[1] of sum() cannot cross ...: it is function f`.
 */
export function toWire(value: unknown, root: string, context: string): unknown {
  return new Encoder(root, context).encode(value);
}

function bad(what: string): never {
  throw new SyntaxError(`malformed ${what}`);
}

function revive(tagged: Record<string, unknown>, depth: number): unknown {
  const v = tagged.v;
  switch (tagged[TAG]) {
    case 'u':
      return undefined;
    case 'n':
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || v === '-0') return Number(v);
      return bad('number');
    case 'b':
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      return bad('bigint');
    case 'd':
      if (v === null || typeof v === 'number') return new Date(v ?? Number.NaN);
      return bad('date');
    case 'm':
      if (!Array.isArray(v)) return bad('map');
      return new Map(
        v.map((pair) =>
          Array.isArray(pair) && pair.length === 2
            ? [decode(pair[0], depth + 1), decode(pair[1], depth + 1)]
            : bad('map entry'),
        ),
      );
    case 's':
      if (!Array.isArray(v)) return bad('set');
      return new Set(v.map((m) => decode(m, depth + 1)));
    case 'r':
      if (typeof v === 'string' && typeof tagged.f === 'string') return new RegExp(v, tagged.f);
      return bad('regexp');
    case 'x':
      return binary(tagged.t, v);
    case 'e': {
      const wire = decode(v, depth + 1) as { props?: Record<string, unknown> } | null;
      // decodeError assigns `props` to the error: a `__proto__` key would set its prototype.
      if (typeof wire?.props === 'object' && wire.props !== null)
        Reflect.deleteProperty(wire.props, '__proto__');
      return decodeError(wire);
    }
    case 'o':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('object');
      return fields(v as Record<string, unknown>, depth + 1);
    default:
      return bad('tagged value');
  }
}

function binary(type: unknown, base64: unknown): unknown {
  if (typeof base64 !== 'string' || typeof type !== 'string') return bad('bytes');
  const bytes = Buffer.from(base64, 'base64');
  if (type === 'Buffer') return bytes;
  if (!Object.hasOwn(BINARY, type)) return bad('bytes');
  const Ctor = BINARY[type]!;
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return type === 'ArrayBuffer' ? copy : new Ctor(copy);
}

function fields(obj: Record<string, unknown>, depth: number): Record<string, unknown> {
  // Parsed JSON: every key is an own data property, so assigning to it (even `__proto__`)
  // replaces the value and never the prototype.
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (typeof v === 'object' && v !== null) obj[key] = decode(v, depth);
  }
  return obj;
}

function decode(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return bad(`value: nested over ${MAX_DEPTH} deep`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decode(value[i], depth + 1);
    return value;
  }
  const obj = value as Record<string, unknown>;
  return Object.hasOwn(obj, TAG) ? revive(obj, depth) : fields(obj, depth + 1);
}

/**
 * The value a parsed {@link toWire} form carries, rebuilt in place. Throws `SyntaxError` on a
 * malformed tagged form.
 */
export function fromWire(parsed: unknown): unknown {
  return decode(parsed, 0);
}
