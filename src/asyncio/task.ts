import { type CancelScope, currentScope, runInScope } from '../_internal/cancellation.js';
import { checkFunction, checkOptions, checkString } from '../_internal/validate.js';
import { CancelledError, InvalidStateError } from '../errors.js';
import { FAILED, isThenable } from './_awaitable.js';

/**
 * The function a {@link Task} runs: it receives the task's AbortSignal.
 *
 * @example
 * ```ts
 * import { createTask, type TaskFunction } from 'weft/asyncio';
 * const job: TaskFunction<string> = async (signal) => (await fetch(url, { signal })).text();
 * const t = createTask(job);
 * ```
 */
export type TaskFunction<T> = (signal: AbortSignal) => T | PromiseLike<T>;

/**
 * Options of {@link createTask} and the {@link Task} constructor.
 *
 * @example
 * ```ts
 * import { createTask, type TaskOptions } from 'weft/asyncio';
 * const opts: TaskOptions = { name: 'poller' };
 * createTask(async () => {}, opts).name; // 'poller'
 * ```
 */
export interface TaskOptions {
  /** The task's name (default `Task-<n>`). */
  name?: string | undefined;
}

/**
 * A callback run once a task is done; it receives the task.
 *
 * @example
 * ```ts
 * import { createTask, type DoneCallback } from 'weft/asyncio';
 * const report: DoneCallback<number> = (t) => console.log(t.name, t.cancelled());
 * createTask(async () => 1).addDoneCallback(report);
 * ```
 */
export type DoneCallback<T> = (task: Task<T>) => void;

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;
const CANCELLED = 3;

/** What the finalizer needs to report an unretrieved failure (never the task itself). */
interface FailureLog {
  name: string;
  error: unknown;
  retrieved: boolean;
}

const unretrieved = new FinalizationRegistry<FailureLog>((log) => {
  if (log.retrieved) return;
  const detail = log.error instanceof Error ? (log.error.stack ?? String(log.error)) : log.error;
  process.emitWarning(`Task exception was never retrieved (${log.name})`, {
    type: 'WeftWarning',
    code: 'WEFT_TASK_EXCEPTION_NEVER_RETRIEVED',
    detail: String(detail),
  });
});

function reportCallbackError(err: unknown): void {
  process.emitWarning(`Exception in a Task done callback: ${err}`, {
    type: 'WeftWarning',
    code: 'WEFT_DONE_CALLBACK_FAILED',
    detail: err instanceof Error ? err.stack : undefined,
  });
}

function swallow(): void {}

let taskCounter = 0;

/**
 * A function running concurrently, with Python's `asyncio.Task` interface. `fn` starts on
 * a later microtask (so a task cancelled at once never runs) and receives the task's
 * AbortSignal. The task is `PromiseLike`: `await task` gives its result, rethrows its
 * error, or throws `CancelledError` if it was cancelled.
 *
 * `cancel(msg)` aborts the signal with a `CancelledError(msg)`. Every weft waiting call made
 * inside the task (`sleep`, `lock.acquire`, `queue.get`...) obeys that signal even when none
 * was passed, so the task stops at its current await like a Python coroutine; other code
 * sees cancellation only if it watches the signal. The task is cancelled when its function
 * rejects with a `CancelledError`; a function that swallows the cancellation and returns
 * completes normally, as in Python.
 *
 * A failure nobody retrieves (by awaiting the task, `result()` or `exception()`) does not
 * crash the process: like Python's "Task exception was never retrieved", a `WeftWarning`
 * is emitted when the task is garbage-collected.
 *
 * @example
 * ```ts
 * import { Task, sleep } from 'weft/asyncio';
 * const t = new Task(async () => { await sleep(10); return 42; }, { name: 'answer' });
 * console.log(t.name, await t); // answer 42
 * ```
 */
export class Task<T = unknown> implements PromiseLike<T> {
  readonly #controller = new AbortController();
  readonly #scope: CancelScope;
  readonly #promise: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;
  #fn: TaskFunction<T> | undefined;
  #state = PENDING;
  #value: T | undefined = undefined;
  #error: unknown = undefined;
  #callbacks: DoneCallback<T>[] = [];
  #name: string;
  #log: FailureLog | undefined = undefined;
  #retrieved = false;

  constructor(fn: TaskFunction<T>, options?: TaskOptions) {
    checkFunction(fn, 'fn');
    const opts = checkOptions(options, 'options', ['name']);
    this.#name = opts.name === undefined ? `Task-${++taskCounter}` : checkString(opts.name, 'name');
    this.#fn = fn;
    this.#scope = { task: this, signal: this.#controller.signal };
    this.#promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#promise.catch(swallow);
    queueMicrotask(() => this.#start());
  }

  #start(): void {
    const fn = this.#fn!;
    this.#fn = undefined;
    const signal = this.#controller.signal;
    if (signal.aborted) {
      this.#finish(CANCELLED, undefined, signal.reason);
      return;
    }
    let out: T | PromiseLike<T>;
    try {
      out = runInScope(this.#scope, () => fn(signal));
    } catch (err) {
      this.#fail(err);
      return;
    }
    if (isThenable(out))
      Promise.resolve(out).then(
        (value) => this.#finish(FULFILLED, value, undefined),
        (err: unknown) => this.#fail(err),
      );
    else this.#finish(FULFILLED, out, undefined);
  }

  #fail(err: unknown): void {
    this.#finish(err instanceof CancelledError ? CANCELLED : REJECTED, undefined, err);
  }

  #finish(state: number, value: T | undefined, error: unknown): void {
    this.#state = state;
    this.#value = value;
    this.#error = error;
    if (state === FULFILLED) this.#resolve(value as T);
    else this.#reject(error);
    if (state === REJECTED && !this.#retrieved) {
      // Format the stack now: V8 keeps the frames' receivers (this task among them) alive
      // until it is read, which would keep the task from ever being collected.
      if (error instanceof Error) void error.stack;
      this.#log = { name: this.#name, error, retrieved: false };
      unretrieved.register(this, this.#log);
    }
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const cb of callbacks) this.#runCallback(cb);
  }

  #runCallback(cb: DoneCallback<T>): void {
    queueMicrotask(() => {
      try {
        cb(this);
      } catch (err) {
        reportCallbackError(err);
      }
    });
  }

  #markRetrieved(): void {
    this.#retrieved = true;
    if (this.#log !== undefined) this.#log.retrieved = true;
  }

  /** The task's AbortSignal: aborted by {@link Task.cancel} with a `CancelledError`. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The task's name (Python's `get_name()`/`set_name()`). */
  get name(): string {
    return this.#name;
  }

  set name(value: string) {
    this.#name = checkString(value, 'name');
  }

  /** Python's `get_name()`. */
  getName(): string {
    return this.#name;
  }

  /** Python's `set_name(value)`. */
  setName(value: string): void {
    this.name = value;
  }

  /**
   * Requests cancellation: aborts the task's signal with `CancelledError(msg)`. Returns
   * `false` if the task is already done, `true` otherwise. The task stays pending until its
   * function reacts (a weft waiting call inside it rejects at once).
   */
  cancel(msg?: string): boolean {
    if (this.#state !== PENDING) return false;
    if (!this.#controller.signal.aborted) this.#controller.abort(new CancelledError(msg));
    return true;
  }

  /** Whether the task was cancelled. */
  cancelled(): boolean {
    return this.#state === CANCELLED;
  }

  /** Whether the task is done (returned, failed or was cancelled). */
  done(): boolean {
    return this.#state !== PENDING;
  }

  /**
   * The task's result. Throws its error if it failed, `CancelledError` if it was cancelled,
   * `InvalidStateError` if it is not done.
   */
  result(): T {
    if (this.#state === PENDING) throw new InvalidStateError('Result is not set.');
    if (this.#state === FULFILLED) return this.#value as T;
    this.#markRetrieved();
    throw this.#error;
  }

  /**
   * The task's error, or `undefined` if it returned. Throws `CancelledError` if it was
   * cancelled, `InvalidStateError` if it is not done.
   */
  exception(): unknown {
    if (this.#state === PENDING) throw new InvalidStateError('Exception is not set.');
    if (this.#state === CANCELLED) throw this.#error;
    this.#markRetrieved();
    return this.#error;
  }

  /** Calls `cb(task)` once the task is done (soon, if it already is). */
  addDoneCallback(cb: DoneCallback<T>): void {
    checkFunction(cb, 'cb');
    if (this.#state === PENDING) this.#callbacks.push(cb);
    else this.#runCallback(cb);
  }

  /** Removes every registration of `cb`; returns how many were removed. */
  removeDoneCallback(cb: DoneCallback<T>): number {
    const before = this.#callbacks.length;
    this.#callbacks = this.#callbacks.filter((c) => c !== cb);
    return before - this.#callbacks.length;
  }

  /** Whether the task failed or was cancelled, without retrieving the error. @internal */
  [FAILED](): boolean {
    return this.#state === REJECTED || this.#state === CANCELLED;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Task is awaitable by design.
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#markRetrieved();
    return this.#promise.then(onfulfilled, onrejected);
  }

  get [Symbol.toStringTag](): string {
    return 'Task';
  }

  /** `Task<name pending>`, `Task<name done>`, `Task<name cancelled>`, `Task<name failed>`. */
  toString(): string {
    const state = ['pending', 'done', 'failed', 'cancelled'][this.#state];
    return `Task<${this.#name} ${state}>`;
  }
}

/**
 * Starts `fn` as a {@link Task} (Python's `asyncio.create_task`).
 *
 * @example
 * ```ts
 * import { createTask, sleep } from 'weft/asyncio';
 * const t = createTask(async (signal) => { await sleep(1000, { signal }); }, { name: 'slow' });
 * t.cancel('not needed');
 * await t.catch((e) => console.log(e.name, e.message)); // CancelledError not needed
 * ```
 */
export function createTask<T>(fn: TaskFunction<T>, options?: TaskOptions): Task<T> {
  return new Task(fn, options);
}

/**
 * The task whose code is running (Python's `asyncio.current_task()`), or `undefined`
 * outside any task.
 *
 * @example
 * ```ts
 * import { createTask, currentTask } from 'weft/asyncio';
 * await createTask(async () => console.log(currentTask()?.name), { name: 'worker' }); // worker
 * ```
 */
export function currentTask(): Task<unknown> | undefined {
  return currentScope()?.task as Task<unknown> | undefined;
}
