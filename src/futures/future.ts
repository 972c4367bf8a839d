/**
 * `Future` (Python's `concurrent.futures.Future`): the result of a task that an executor
 * runs — on a thread pool, a process pool or another machine — and also a `PromiseLike`, so
 * `await future` works.
 */

import { checkFunction, checkWaitOptions, type WaitOptions } from '../_internal/validate.js';
import { CancelledError, InvalidStateError, TimeoutError } from '../errors.js';

/**
 * What an executor provides to the futures of its tasks: a way to withdraw a task that has not
 * started (for `cancel()`), and a hook called when someone starts waiting on a pending future
 * (so it may poll for the result for a few microseconds instead of sleeping).
 * @internal
 */
export interface FutureOwner {
  _withdraw(handle: unknown): boolean;
  _onAwait(future: Future<any>): void;
  /** True while the task runs (the executor knows; the future itself may not). */
  _running?(handle: unknown): boolean;
  /** Blocks the calling thread until the task is done or `timeout` ms pass, if the executor can. */
  _waitSync?(handle: unknown, timeout: number | undefined): void;
}

const PENDING = 0;
const RUNNING = 1;
const CANCELLED = 2;
const FINISHED = 3;

type State = typeof PENDING | typeof RUNNING | typeof CANCELLED | typeof FINISHED;
const NAMES = ['pending', 'running', 'cancelled', 'finished'];

let nextResolve: ((v: any) => void) | undefined;
let nextReject: ((e: unknown) => void) | undefined;
function capture(resolve: (v: any) => void, reject: (e: unknown) => void): void {
  nextResolve = resolve;
  nextReject = reject;
}
function ignore(): void {}

/**
 * The eventual result of a task.
 *
 * Python's API — `result()`, `exception()`, `cancel()`, `cancelled()`, `running()`,
 * `done()`, `addDoneCallback()` — with the waiting calls returning Promises (they take
 * `{ timeout, signal }`). A Future is also a native Promise: `await future`,
 * `Promise.all(futures)` and `.then()` work, at a native promise's cost. A failed task's
 * error is kept until asked for: a future nobody awaits never causes an unhandled rejection.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from 'weft/futures';
 * import { add } from './tasks.js';
 *
 * await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
 * const f = pool.submit(add, 1, 2);
 * f.addDoneCallback((done) => console.log('done:', done.done()));
 * console.log(await f.result({ timeout: 1000 })); // 3
 * console.log(await f); // 3 as well
 * ```
 */
export class Future<T = unknown> extends Promise<T> {
  #state: State = PENDING;
  #value: unknown;
  #failed = false;
  #callbacks: ((f: Future<T>) => void)[] | undefined;
  #waiters: (() => void)[] | undefined;
  readonly #resolve: (v: T) => void;
  readonly #reject: (e: unknown) => void;
  /** Set by the executor that runs the task (see {@link FutureOwner}). */
  _owner: FutureOwner | undefined;
  /** The executor's record of the task, passed back to it. */
  _handle: unknown;

  constructor() {
    super(capture);
    this.#resolve = nextResolve!;
    this.#reject = nextReject!;
  }

  /** Cancels the task if it has not started. Returns true if the future is (now) cancelled. */
  cancel(): boolean {
    if (this.#state === FINISHED || this.running()) return false;
    if (this.#state === CANCELLED) return true;
    if (this._owner && !this._owner._withdraw(this._handle ?? this)) return false;
    this.#state = CANCELLED;
    this.#value = new CancelledError('the future was cancelled');
    this.#failed = true;
    this.#settle();
    return true;
  }

  /** True if the future was cancelled. */
  cancelled(): boolean {
    return this.#state === CANCELLED;
  }

  /** True while the task runs. */
  running(): boolean {
    if (this.#state === RUNNING) return true;
    return this.#state === PENDING && this._owner?._running?.(this._handle ?? this) === true;
  }

  /** True once the task finished, failed or was cancelled. */
  done(): boolean {
    return this.#state === CANCELLED || this.#state === FINISHED;
  }

  /**
   * The task's result. Waits for it (up to `timeout`, then `TimeoutError`); rejects with the
   * task's error, or `CancelledError` if the future was cancelled.
   */
  async result(options?: WaitOptions): Promise<T> {
    await this.#wait(options);
    if (this.#failed) throw this.#value;
    return this.#value as T;
  }

  /**
   * The result, without a Promise: at once if the future is done (as in a done callback),
   * otherwise blocking the calling thread until it is, if its executor allows (a thread pool
   * does). Throws like {@link result}.
   */
  resultSync(options?: WaitOptions): T {
    this.#waitSync(options);
    if (this.#failed) throw this.#value;
    return this.#value as T;
  }

  /** The error, without a Promise: like {@link resultSync}. */
  exceptionSync(options?: WaitOptions): unknown {
    this.#waitSync(options);
    if (this.#state === CANCELLED) throw this.#value;
    return this.#failed ? this.#value : undefined;
  }

  #waitSync(options: WaitOptions | undefined): void {
    const { timeout } = checkWaitOptions(options);
    if (this.done()) return;
    const owner = this._owner;
    if (!owner?._waitSync)
      throw new InvalidStateError('the future is not done; await future.result() instead');
    owner._waitSync(this._handle ?? this, timeout);
    if (!this.done()) throw new TimeoutError(`the future was not done within ${timeout} ms`);
  }

  /** The task's error, or undefined if it succeeded. Waits like {@link result}. */
  async exception(options?: WaitOptions): Promise<unknown> {
    await this.#wait(options);
    if (this.#state === CANCELLED) throw this.#value;
    return this.#failed ? this.#value : undefined;
  }

  #wait(options: WaitOptions | undefined): Promise<void> | void {
    const { timeout, signal } = checkWaitOptions(options);
    if (this.done()) return;
    this._owner?._onAwait(this);
    if (this.done()) return;
    if (timeout === 0) throw new TimeoutError('the future is not done');
    if (signal?.aborted) throw signal.reason;
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => finish(signal!.reason);
      const finish = (err?: unknown): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.#waiters?.indexOf(waiter) ?? -1;
        if (i >= 0) this.#waiters!.splice(i, 1);
        if (err === undefined) resolve();
        else reject(err);
      };
      const waiter = (): void => finish();
      (this.#waiters ??= []).push(waiter);
      if (timeout !== undefined)
        timer = setTimeout(
          () => finish(new TimeoutError(`the future was not done within ${timeout} ms`)),
          timeout,
        );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Calls `fn(future)` when the future is done (at once if it is). Errors thrown by `fn` are
   * reported as warnings, never thrown.
   */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    checkFunction(fn, 'fn');
    if (this.done()) this.#invoke(fn);
    else (this.#callbacks ??= []).push(fn);
  }

  /** Removes every registration of `fn`; returns how many were removed. */
  removeDoneCallback(fn: (future: Future<T>) => void): number {
    if (!this.#callbacks) return 0;
    const before = this.#callbacks.length;
    this.#callbacks = this.#callbacks.filter((c) => c !== fn);
    return before - this.#callbacks.length;
  }

  // --- for executors -------------------------------------------------------------------

  /**
   * Marks the future running; returns false if it was cancelled (then the task must not run).
   * Python's `set_running_or_notify_cancel`.
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === CANCELLED) return false;
    if (this.#state !== PENDING)
      throw new InvalidStateError(`Future in unexpected state: ${NAMES[this.#state]}`);
    this.#state = RUNNING;
    return true;
  }

  /** Completes the future with a result. */
  setResult(value: T): void {
    if (this.done())
      throw new InvalidStateError(`${NAMES[this.#state]}: cannot set the result of a done future`);
    this.#state = FINISHED;
    this.#value = value;
    this.#settle();
  }

  /** Completes the future with an error. */
  setException(error: unknown): void {
    if (this.done())
      throw new InvalidStateError(
        `${NAMES[this.#state]}: cannot set the exception of a done future`,
      );
    this.#state = FINISHED;
    this.#value = error;
    this.#failed = true;
    this.#settle();
  }

  #settle(): void {
    this._owner = undefined;
    this._handle = undefined;
    if (this.#failed) {
      // Handled from the start: a failure nobody asks about is not an unhandled rejection.
      Promise.prototype.then.call(this, undefined, ignore);
      this.#reject(this.#value);
    } else this.#resolve(this.#value as T);
    const waiters = this.#waiters;
    if (waiters) {
      this.#waiters = undefined;
      for (const w of waiters) w();
    }
    const callbacks = this.#callbacks;
    if (callbacks) {
      this.#callbacks = undefined;
      for (const fn of callbacks) this.#invoke(fn);
    }
  }

  #invoke(fn: (f: Future<T>) => void): void {
    try {
      fn(this);
    } catch (err) {
      process.emitWarning(
        `exception calling callback for ${this}: ${(err as Error)?.stack ?? err}`,
        'WeftWarning',
      );
    }
  }

  override toString(): string {
    const state = NAMES[this.#state]!;
    if (this.#state !== FINISHED) return `<Future state=${state}>`;
    return this.#failed
      ? `<Future state=finished raised ${(this.#value as Error)?.name ?? 'error'}>`
      : `<Future state=finished returned ${typeof this.#value}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * `await future` and `Promise.all` take a native promise whose constructor is Promise as it
 * is, without wrapping it and calling `then` (that costs several promises per future). This
 * also makes `then()` derive plain Promises. Applied to Future and to every subclass.
 * @internal
 */
export function nativeAwaitable(cls: { prototype: object }): void {
  Object.defineProperty(cls.prototype, 'constructor', {
    value: Promise,
    writable: true,
    configurable: true,
  });
}
nativeAwaitable(Future);
