/**
 * Python's ordering for PriorityQueue items: numbers (and booleans, bigints, Dates) by
 * value, strings by code units, arrays lexicographically (Python's tuple comparison).
 * Values of kinds that do not compare (a string and a number, two plain objects) throw
 * `ArgumentTypeError`, as Python raises `TypeError`.
 * @internal
 */
import { describe } from '../_internal/validate.js';
import { ArgumentTypeError } from '../errors.js';

function rank(value: unknown): 'number' | 'string' | 'array' | undefined {
  switch (typeof value) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return 'number';
    case 'string':
      return 'string';
    default:
      if (Array.isArray(value)) return 'array';
      if (value instanceof Date) return 'number';
      return undefined;
  }
}

function scalar(value: unknown): number | bigint | string {
  return value instanceof Date ? value.getTime() : (value as number | bigint | string);
}

/** Negative if `a` sorts before `b`, positive if after, 0 if equal. */
export function pythonCompare(a: unknown, b: unknown): number {
  const ka = rank(a);
  const kb = rank(b);
  if (ka === undefined || ka !== kb)
    throw new ArgumentTypeError(
      `'<' not supported between ${describe(a)} and ${describe(b)}; pass a compare option`,
    );
  if (ka === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const c = pythonCompare(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  const sa = scalar(a);
  const sb = scalar(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
