/**
 * Argument checks shared by every module. Each check throws at the call, naming the
 * parameter and the value received: `ValueError` for a value out of range (Python's
 * `ValueError`), `ArgumentTypeError` for a value of the wrong type (Python's `TypeError`).
 */
import { ArgumentTypeError, ValueError } from '../errors.js';

/** Renders a received value for an error message: `-1`, `string '10'`, `object Map`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'string': {
      const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `string '${s}'`;
    }
    case 'symbol':
      return value.toString();
    case 'function':
      return `function ${value.name || '(anonymous)'}`;
    default: {
      const name = (value as object).constructor?.name;
      return name && name !== 'Object' ? `object ${name}` : 'object';
    }
  }
}

/** Throws {@link ArgumentTypeError}: `name must be <what>, got <value>`. */
export function typeError(name: string, what: string, value: unknown): never {
  throw new ArgumentTypeError(`${name} must be ${what}, got ${describe(value)}`);
}

/** Throws {@link ValueError}: `name must be <what>, got <value>`. */
export function valueError(name: string, what: string, value: unknown): never {
  throw new ValueError(`${name} must be ${what}, got ${describe(value)}`);
}

/**
 * A timeout in milliseconds. `undefined`, `null` and `Infinity` mean "no timeout" and yield
 * `undefined`; `0` means "do not wait". Negative or NaN values are rejected.
 */
export function checkTimeout(value: unknown, name = 'timeout'): number | undefined {
  if (value === undefined || value === null || value === Number.POSITIVE_INFINITY) return undefined;
  if (typeof value !== 'number') typeError(name, 'a number of milliseconds', value);
  if (!(value >= 0)) valueError(name, 'a non-negative number of milliseconds', value);
  return value;
}

/** An optional `AbortSignal`. */
export function checkSignal(value: unknown, name = 'signal'): AbortSignal | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof AbortSignal)) typeError(name, 'an AbortSignal', value);
  return value;
}

/** An integer within `[min, max]` (both inclusive). */
export function checkInt(
  value: unknown,
  name: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number') typeError(name, 'an integer', value);
  if (!Number.isInteger(value)) valueError(name, 'an integer', value);
  if (value < min) valueError(name, `>= ${min}`, value);
  if (value > max) valueError(name, `<= ${max}`, value);
  return value;
}

/** A finite or infinite number within `[min, max]`. */
export function checkNumber(
  value: unknown,
  name: string,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): number {
  if (typeof value !== 'number') typeError(name, 'a number', value);
  if (Number.isNaN(value)) valueError(name, 'a number', value);
  if (value < min) valueError(name, `>= ${min}`, value);
  if (value > max) valueError(name, `<= ${max}`, value);
  return value;
}

/** A function. */
export function checkFunction<T extends Function>(value: unknown, name: string): T {
  if (typeof value !== 'function') typeError(name, 'a function', value);
  return value as T;
}

/** A boolean. */
export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') typeError(name, 'a boolean', value);
  return value;
}

/** A string. */
export function checkString(value: unknown, name: string): string {
  if (typeof value !== 'string') typeError(name, 'a string', value);
  return value;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * An options object (or `undefined`, read as `{}`) whose keys are all in `allowed`.
 * An unknown key is rejected with the closest known one suggested, so that a misspelt
 * option never goes silently unused. `renamed` maps names a Python programmer may reach for
 * (`captureOutput`) to weft's name for them (`capture`), for the message.
 */
export function checkOptions<T extends object>(
  value: T | undefined,
  name: string,
  allowed: readonly string[],
  renamed: Readonly<Record<string, string>> = {},
): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    typeError(name, 'an options object', value);
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    if (Object.hasOwn(renamed, key))
      throw new ArgumentTypeError(
        `${name} has an unknown option '${key}' (weft calls it '${renamed[key]}')`,
      );
    let best = '';
    let bestDistance = 3;
    for (const candidate of allowed) {
      const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) [best, bestDistance] = [candidate, d];
    }
    const hint = best ? ` (did you mean '${best}'?)` : ` (known: ${allowed.join(', ')})`;
    throw new ArgumentTypeError(`${name} has an unknown option '${key}'${hint}`);
  }
  return value;
}

/** The `{ timeout, signal }` pair every waiting call takes, checked. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeout?: number | undefined;
  /** Give up when this signal aborts; the call rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

const NO_WAIT_OPTIONS = Object.freeze({ timeout: undefined, signal: undefined });

/** Checks a `{ timeout, signal }` options object; `extra` lists further allowed keys. */
export function checkWaitOptions(
  value: WaitOptions | undefined,
  name = 'options',
  extra: readonly string[] = [],
): { readonly timeout: number | undefined; readonly signal: AbortSignal | undefined } {
  if (value === undefined) return NO_WAIT_OPTIONS;
  const opts = checkOptions(value, name, ['timeout', 'signal', ...extra]);
  return { timeout: checkTimeout(opts.timeout), signal: checkSignal(opts.signal) };
}
