/**
 * Helpers for the functions that take awaitables (`gather`, `wait`, `asCompleted`,
 * `waitFor`, `shield`).
 * @internal
 */
import { typeError } from '../_internal/validate.js';

/** Whether `value` has a callable `then` (a Promise or any PromiseLike, a Task). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Checks that `value` is awaitable (Python: "an awaitable is required"). */
export function checkAwaitable<T>(value: unknown, name: string): PromiseLike<T> {
  if (!isThenable(value)) typeError(name, 'a Promise, a Task or another PromiseLike', value);
  return value as PromiseLike<T>;
}

/** An iterable of awaitables, checked, as a set (duplicates count once, as in Python). */
export function checkAwaitables<A extends PromiseLike<unknown>>(
  aws: Iterable<A>,
  name: string,
): Set<A> {
  if (typeof (aws as Iterable<A> | null)?.[Symbol.iterator] !== 'function')
    typeError(name, 'an iterable of awaitables', aws);
  const set = new Set<A>();
  let i = 0;
  for (const aw of aws) set.add(checkAwaitable(aw, `${name}[${i++}]`) as A);
  return set;
}

/** A plain object literal (prototype `Object.prototype` or `null`) that is not thenable. */
export function isPlainOptions(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || isThenable(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Asks a Task whether it failed or was cancelled, without retrieving its error. */
export const FAILED: unique symbol = Symbol('weft.asyncio.failed');

/** An object that reports settling without retrieving a failure (a Task). */
export interface DoneObservable {
  addDoneCallback(cb: () => void): void;
  [FAILED](): boolean;
}

function isDoneObservable(value: unknown): value is DoneObservable {
  return typeof (value as DoneObservable)[FAILED] === 'function';
}

/**
 * Calls `cb(failed)` once `aw` settles. A Task is observed through its done callbacks, so
 * that watching it (as `wait` does) does not count as retrieving its failure.
 */
export function whenSettled(aw: PromiseLike<unknown>, cb: (failed: boolean) => void): void {
  if (isDoneObservable(aw)) {
    aw.addDoneCallback(() => cb(aw[FAILED]()));
    return;
  }
  Promise.resolve(aw).then(
    () => cb(false),
    () => cb(true),
  );
}

/**
 * Settles like `aw`, or rejects with `signal.reason` as soon as `signal` aborts (`aw` goes
 * on running: nothing here can stop it).
 */
export function raceSignal<T>(aw: PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return Promise.resolve(aw);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(aw).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
