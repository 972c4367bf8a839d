import { currentScope, linkAbort, runInScope, scopeSignal } from '../_internal/cancellation.js';
import { checkFunction, checkNumber, checkTimeout, typeError } from '../_internal/validate.js';
import { CancelledError, RuntimeError, TimeoutError } from '../errors.js';
import { isThenable } from './_awaitable.js';

/**
 * The work a timeout scope runs: it receives the scope's signal.
 *
 * @example
 * ```ts
 * import { timeout, type ScopeFunction } from 'weft/asyncio';
 * const load: ScopeFunction<Response> = (signal) => fetch(url, { signal });
 * await timeout(5000, load);
 * ```
 */
export type ScopeFunction<T> = (signal: AbortSignal) => T | PromiseLike<T>;

function expire(timeout: Timeout): void {
  timeout[EXPIRE]();
}

const EXPIRE: unique symbol = Symbol('expire');

/**
 * A deadline for a piece of work (Python's `asyncio.Timeout`). Deadlines are on the
 * `performance.now()` clock, in milliseconds (Python's `loop.time()`).
 *
 * Its {@link Timeout.signal} aborts with a `TimeoutError` at the deadline, and also (with
 * the outer reason) when the enclosing task or scope is cancelled. Two ways to use it:
 *
 * - `await t.run(fn)` (what `timeout(ms, fn)` does): runs `fn(signal)` inside a cancel
 *   scope, so every weft waiting call in it stops at the deadline even without a signal,
 *   and waits for `fn` to finish. It rejects with `TimeoutError` if the deadline cut the
 *   work short; if `fn` swallowed the cancellation and returned, its value is returned
 *   (Python's behaviour).
 * - `using t = timeout(ms)`: a deadline for a block; pass `t.signal` to the calls in it.
 *   They reject with the `TimeoutError` at the deadline; leaving the block clears the timer.
 *
 * @example
 * ```ts
 * import { timeout, sleep } from 'weft/asyncio';
 * {
 *   using t = timeout(50);
 *   t.reschedule(performance.now() + 100); // more time
 *   await sleep(10, { signal: t.signal });
 *   console.log(t.expired()); // false
 * }
 * ```
 */
export class Timeout implements Disposable {
  readonly #controller = new AbortController();
  #when: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #expired = false;
  #entered = false;
  #closed = false;
  readonly #unlink: () => void;

  /** `when`: the deadline on the `performance.now()` clock; `undefined` for none. */
  constructor(when: number | undefined) {
    this.#unlink = linkAbort(scopeSignal(), this.#controller);
    this.reschedule(when);
  }

  /** Aborted with a `TimeoutError` at the deadline, or when the enclosing scope is cancelled. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The deadline (`performance.now()` clock), or `undefined` if there is none. */
  when(): number | undefined {
    return this.#when;
  }

  /**
   * Moves the deadline to `when` (`performance.now()` clock; `undefined` removes it).
   * Throws `RuntimeError` once the timeout has expired or its scope has ended.
   */
  reschedule(when: number | undefined): void {
    if (when !== undefined && when !== null) checkNumber(when, 'when');
    if (this.#expired) throw new RuntimeError('Timeout has expired');
    if (this.#closed) throw new RuntimeError('Timeout has finished');
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#when = when ?? undefined;
    if (this.#when === undefined || this.#controller.signal.aborted) return;
    const delay = Math.max(0, this.#when - performance.now());
    this.#timer = setTimeout(expire, Math.min(delay, 2_147_483_647), this);
  }

  /** Whether the deadline passed and the timeout cancelled the work. */
  expired(): boolean {
    return this.#expired;
  }

  /** @internal */
  [EXPIRE](): void {
    this.#timer = undefined;
    if (this.#when !== undefined && this.#when - performance.now() > 1) {
      this.reschedule(this.#when); // a deadline further than setTimeout can hold
      return;
    }
    if (this.#controller.signal.aborted) return;
    this.#expired = true;
    this.#controller.abort(new TimeoutError(`timed out (deadline ${this.#when?.toFixed(1)} ms)`));
  }

  /**
   * Runs `fn(signal)` inside this timeout's cancel scope and waits for it; once only.
   * Rejects with `TimeoutError` if the deadline cut it short.
   */
  async run<T>(fn: ScopeFunction<T>): Promise<T> {
    checkFunction(fn, 'fn');
    if (this.#entered) throw new RuntimeError('Timeout has already been entered');
    this.#entered = true;
    const signal = this.#controller.signal;
    try {
      const scope = { task: currentScope()?.task, signal };
      const out = runInScope(scope, () => fn(signal));
      return isThenable(out) ? await out : out;
    } catch (err) {
      if (this.#expired && (err === signal.reason || err instanceof CancelledError)) {
        if (err === signal.reason) throw err;
        throw new TimeoutError('timed out', { cause: err });
      }
      throw err;
    } finally {
      this[Symbol.dispose]();
    }
  }

  /** Ends the scope: clears the timer and stops following the enclosing scope. */
  [Symbol.dispose](): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unlink();
  }
}

function deadlineIn(ms: number | undefined | null): number | undefined {
  const delay = checkTimeout(ms, 'ms');
  return delay === undefined ? undefined : performance.now() + delay;
}

function scoped<T>(
  when: number | undefined,
  fn: ScopeFunction<T> | undefined,
): Timeout | Promise<T> {
  if (fn === undefined) return new Timeout(when);
  if (typeof fn !== 'function') typeError('fn', 'a function', fn);
  return new Timeout(when).run(fn);
}

/**
 * Python's `asyncio.timeout(delay)`. With `fn`: runs `fn(signal)` and cancels the work
 * inside it after `ms` milliseconds, rejecting with `TimeoutError`. Without: returns a
 * {@link Timeout} for `using t = timeout(ms)`. `ms` `undefined`/`null`/`Infinity`: no
 * deadline.
 *
 * @example
 * ```ts
 * import { timeout, sleep } from 'weft/asyncio';
 * import { TimeoutError } from 'weft/errors';
 * try {
 *   await timeout(50, async () => {
 *     await sleep(1000); // interrupted at the deadline, no signal needed
 *   });
 * } catch (err) {
 *   console.log(err instanceof TimeoutError); // true
 * }
 * ```
 */
export function timeout(ms: number | undefined | null): Timeout;
export function timeout<T>(ms: number | undefined | null, fn: ScopeFunction<T>): Promise<T>;
export function timeout<T>(
  ms: number | undefined | null,
  fn?: ScopeFunction<T>,
): Timeout | Promise<T> {
  return scoped(deadlineIn(ms), fn);
}

/**
 * Python's `asyncio.timeout_at(when)`: like {@link timeout} with an absolute deadline on
 * the `performance.now()` clock.
 *
 * @example
 * ```ts
 * import { timeoutAt, sleep } from 'weft/asyncio';
 * const deadline = performance.now() + 100;
 * await timeoutAt(deadline, () => sleep(10)); // done well before the deadline
 * ```
 */
export function timeoutAt(when: number | undefined | null): Timeout;
export function timeoutAt<T>(when: number | undefined | null, fn: ScopeFunction<T>): Promise<T>;
export function timeoutAt<T>(
  when: number | undefined | null,
  fn?: ScopeFunction<T>,
): Timeout | Promise<T> {
  if (when !== undefined && when !== null) checkNumber(when, 'when');
  return scoped(when ?? undefined, fn);
}
