/**
 * The element types of shared values and arrays, named by Python's type codes (`'i'`, `'d'`…)
 * or by name (`'int32'`, `'float64'`…).
 */
import { typeError } from '../_internal/validate.js';

/** Python's `array`/`ctypes` type codes understood by `Value` and `Array`. */
export type TypeCode =
  | 'b'
  | 'B'
  | 'h'
  | 'H'
  | 'i'
  | 'I'
  | 'l'
  | 'L'
  | 'q'
  | 'Q'
  | 'f'
  | 'd'
  | 'c'
  | '?';

/** Type names understood by `Value` and `Array`. */
export type TypeName =
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'char'
  | 'bool';

/** A type code or a type name. */
export type CType = TypeCode | TypeName;

/** The JavaScript value a type holds: bigint for 64-bit integers, a 1-character string for `'c'`, boolean for `'?'`. */
export type ValueOf<T extends CType> = T extends 'l' | 'L' | 'q' | 'Q' | 'int64' | 'uint64'
  ? bigint
  : T extends 'c' | 'char'
    ? string
    : T extends '?' | 'bool'
      ? boolean
      : number;

/** The typed arrays a `RawArray` can be: one per type code. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

interface Kind {
  name: TypeName;
  make(buffer: SharedArrayBuffer, offset: number, length: number): TypedArray;
  bytes: number;
  toJs(raw: number | bigint): unknown;
  fromJs(value: unknown, what: string): number | bigint;
}

const num = (value: unknown, what: string): number => {
  if (typeof value !== 'number') typeError(what, 'a number', value);
  return value;
};
const big = (value: unknown, what: string): bigint => {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return typeError(what, 'a bigint or an integer', value);
};

function kind(
  name: TypeName,
  ctor: { new (b: SharedArrayBuffer, o: number, l: number): TypedArray; BYTES_PER_ELEMENT: number },
): Kind {
  const isBig = name === 'int64' || name === 'uint64';
  return {
    name,
    bytes: ctor.BYTES_PER_ELEMENT,
    make: (b, o, l) => new ctor(b, o, l),
    toJs: (raw) => raw,
    fromJs: isBig ? big : num,
  };
}

const kinds: Record<TypeName, Kind> = {
  int8: kind('int8', Int8Array),
  uint8: kind('uint8', Uint8Array),
  int16: kind('int16', Int16Array),
  uint16: kind('uint16', Uint16Array),
  int32: kind('int32', Int32Array),
  uint32: kind('uint32', Uint32Array),
  int64: kind('int64', BigInt64Array as never),
  uint64: kind('uint64', BigUint64Array as never),
  float32: kind('float32', Float32Array),
  float64: kind('float64', Float64Array),
  char: {
    ...kind('char', Uint8Array),
    toJs: (raw) => String.fromCharCode(raw as number),
    fromJs: (value, what) => {
      if (typeof value === 'string' && value.length === 1 && value.charCodeAt(0) < 256)
        return value.charCodeAt(0);
      return typeError(what, 'a 1-character string', value);
    },
  },
  bool: {
    ...kind('bool', Uint8Array),
    toJs: (raw) => raw !== 0,
    fromJs: (value, what) => {
      if (typeof value !== 'boolean') typeError(what, 'a boolean', value);
      return value ? 1 : 0;
    },
  },
};

const codes: Record<TypeCode, TypeName> = {
  b: 'int8',
  B: 'uint8',
  h: 'int16',
  H: 'uint16',
  i: 'int32',
  I: 'uint32',
  l: 'int64',
  L: 'uint64',
  q: 'int64',
  Q: 'uint64',
  f: 'float32',
  d: 'float64',
  c: 'char',
  '?': 'bool',
};

/** Looks up a type code or name; throws naming `param` if unknown. */
export function ctype(type: unknown, param = 'type'): Kind {
  if (typeof type === 'string') {
    const k = kinds[(codes as Record<string, TypeName>)[type] ?? (type as TypeName)];
    if (k) return k;
  }
  return typeError(
    param,
    `a type code (${Object.keys(codes).join(' ')}) or a type name (${Object.keys(kinds).join(', ')})`,
    type,
  );
}

/** The default (zero) value of a type, as JavaScript sees it. */
export function zeroOf(k: Kind): unknown {
  return k.toJs(k.name === 'int64' || k.name === 'uint64' ? 0n : 0);
}

export type { Kind as CTypeKind };
