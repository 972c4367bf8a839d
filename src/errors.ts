/**
 * The one error tree of weft.
 *
 * Every error weft raises is `instanceof WeftError` and carries a stable `code`
 * (`ERR_WEFT_*`) and, where it wraps another failure, a `cause`. Python's exception
 * names map one to one: `queue.Empty` is {@link Empty}, `threading.BrokenBarrierError`
 * is {@link BrokenBarrierError}, `ValueError` is {@link ValueError} and so on.
 *
 * `instanceof` works across module boundaries and across threads: each error records the
 * kinds of its class chain under a registry symbol, so two copies of weft loaded in one
 * process (or an error rebuilt after crossing from a worker) still match.
 *
 * Errors about arguments are also native JavaScript errors: {@link ValueError} is a
 * `RangeError` and {@link ArgumentTypeError} is a `TypeError`, so code written for Node's
 * own conventions keeps working.
 *
 * @example
 * ```ts
 * import { Queue } from 'weft/asyncio';
 * import { Empty, WeftError } from 'weft/errors';
 *
 * const q = new Queue<number>();
 * try {
 *   q.getNowait();
 * } catch (err) {
 *   if (err instanceof Empty) console.log('nothing queued', err.code); // ERR_WEFT_EMPTY
 *   console.log(err instanceof WeftError); // true
 * }
 * ```
 * @module
 */

import { constants as osConstants } from 'node:os';

/** Registry symbol under which an error lists the kinds of its class chain. */
const KINDS: unique symbol = Symbol.for('weft.error.kinds') as never;

/** A class of the weft error tree, as seen by the branding helpers. */
interface ErrorClass {
  readonly kind: string;
  readonly code: string;
  readonly prototype: object;
}

function kindsOf(ctor: Function): string[] {
  const kinds: string[] = [];
  for (
    let c: any = ctor;
    c && c !== Error && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    if (Object.hasOwn(c, 'kind')) kinds.push(c.kind as string);
  }
  if (!kinds.includes(WeftError.kind)) kinds.push(WeftError.kind);
  return kinds;
}

function brand(err: Error, ctor: ErrorClass & Function): void {
  Object.defineProperty(err, KINDS, { value: kindsOf(ctor), enumerable: false });
  Object.defineProperty(err, 'name', {
    value: ctor.kind,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(err, 'code', {
    value: ctor.code,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function hasKind(ctor: ErrorClass & Function, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Function.prototype[Symbol.hasInstance].call(ctor, value)) return true;
  const kinds = (value as { [KINDS]?: unknown })[KINDS];
  return Array.isArray(kinds) && kinds.includes(ctor.kind);
}

/** Options accepted by every weft error: the underlying failure, if any. */
export interface WeftErrorOptions {
  cause?: unknown;
}

/**
 * The root of weft's error tree.
 *
 * @example
 * ```ts
 * import { WeftError } from 'weft/errors';
 * try { await something(); } catch (err) {
 *   if (err instanceof WeftError) console.error(err.code, err.message);
 * }
 * ```
 */
export class WeftError extends Error {
  /** Stable name of this kind, used for cross-realm `instanceof`. */
  static readonly kind: string = 'WeftError';
  /** Stable machine-readable code. */
  static readonly code: string = 'ERR_WEFT';
  /** Stable machine-readable code, such as `ERR_WEFT_TIMEOUT`. */
  declare readonly code: string;

  constructor(message?: string, options?: WeftErrorOptions) {
    super(message, options);
    brand(this, new.target as never);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(this as never, value);
  }
}

/**
 * Raised when an argument has an invalid value (Python's `ValueError`). Also a `RangeError`.
 * The message names the parameter and the value received.
 *
 * @example
 * ```ts
 * import { Semaphore } from 'weft/asyncio';
 * new Semaphore(-1); // ValueError: value must be >= 0, got -1
 * ```
 */
export class ValueError extends RangeError {
  static readonly kind: string = 'ValueError';
  static readonly code: string = 'ERR_WEFT_VALUE';
  declare readonly code: string;
  constructor(message?: string, options?: WeftErrorOptions) {
    super(message, options);
    brand(this, new.target as never);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(this as never, value);
  }
}

/**
 * Raised when an argument has the wrong type (Python's `TypeError`). Also a `TypeError`.
 *
 * @example
 * ```ts
 * import { sleep } from 'weft/asyncio';
 * await sleep('10' as never); // ArgumentTypeError: ms must be a number, got string '10'
 * ```
 */
export class ArgumentTypeError extends TypeError {
  static readonly kind: string = 'ArgumentTypeError';
  static readonly code: string = 'ERR_WEFT_TYPE';
  declare readonly code: string;
  constructor(message?: string, options?: WeftErrorOptions) {
    super(message, options);
    brand(this, new.target as never);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(this as never, value);
  }
}

/**
 * An index is out of range (Python's `IndexError`). Also a `RangeError`.
 *
 * @example
 * ```ts
 * import { Array as SharedArray } from 'weft/threading';
 * new SharedArray('i', 3).get(5); // IndexError: index 5 out of range for length 3
 * ```
 */
export class IndexError extends RangeError {
  static readonly kind: string = 'IndexError';
  static readonly code: string = 'ERR_WEFT_INDEX';
  declare readonly code: string;
  constructor(message?: string, options?: WeftErrorOptions) {
    super(message, options);
    brand(this, new.target as never);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(this as never, value);
  }
}

/**
 * An operation is not allowed in the current state (Python's `RuntimeError`): releasing an
 * unlocked lock, starting a thread twice, waiting on a condition without holding its lock.
 *
 * @example
 * ```ts
 * import { Lock } from 'weft/asyncio';
 * new Lock().release(); // RuntimeError: release unlocked lock
 * ```
 */
export class RuntimeError extends WeftError {
  static override readonly kind: string = 'RuntimeError';
  static override readonly code: string = 'ERR_WEFT_RUNTIME';
}

/**
 * The operation was cancelled (asyncio's and concurrent.futures' `CancelledError`).
 *
 * @example
 * ```ts
 * import { createTask, sleep } from 'weft/asyncio';
 * const t = createTask(() => sleep(1000));
 * t.cancel();
 * await t; // rejects with CancelledError
 * ```
 */
export class CancelledError extends WeftError {
  static override readonly kind: string = 'CancelledError';
  static override readonly code: string = 'ERR_WEFT_CANCELLED';
}

/**
 * A deadline passed (Python's `TimeoutError`).
 *
 * @example
 * ```ts
 * import { waitFor, sleep } from 'weft/asyncio';
 * await waitFor(sleep(1000), 10); // rejects with TimeoutError
 * ```
 */
export class TimeoutError extends WeftError {
  static override readonly kind: string = 'TimeoutError';
  static override readonly code: string = 'ERR_WEFT_TIMEOUT';
}

/**
 * An object is not in the state the call needs (asyncio's `InvalidStateError`), such as
 * asking a pending future for its result.
 *
 * @example
 * ```ts
 * import { createTask, sleep } from 'weft/asyncio';
 * createTask(() => sleep(10)).result(); // InvalidStateError: Result is not set.
 * ```
 */
export class InvalidStateError extends WeftError {
  static override readonly kind: string = 'InvalidStateError';
  static override readonly code: string = 'ERR_WEFT_INVALID_STATE';
}

/**
 * An executor can no longer run tasks, or a task was lost because its worker died
 * (concurrent.futures' `BrokenExecutor`).
 *
 * @example
 * ```ts
 * try { await future; } catch (err) {
 *   if (err instanceof BrokenExecutorError) console.error('worker died:', err.cause);
 * }
 * ```
 */
export class BrokenExecutorError extends WeftError {
  static override readonly kind: string = 'BrokenExecutorError';
  static override readonly code: string = 'ERR_WEFT_BROKEN_EXECUTOR';
}

/**
 * A thread pool can no longer run tasks: its initializer failed, or (with
 * `brokenOnCrash: true`) one of its workers died (Python's `BrokenThreadPool`).
 *
 * @example
 * ```ts
 * import { BrokenThreadPool } from 'weft/errors';
 * try { await future; } catch (err) {
 *   if (err instanceof BrokenThreadPool) console.error('the pool is broken:', err.cause);
 * }
 * ```
 */
export class BrokenThreadPool extends BrokenExecutorError {
  static override readonly kind: string = 'BrokenThreadPool';
  static override readonly code: string = 'ERR_WEFT_BROKEN_THREAD_POOL';
}

/**
 * A process pool is broken (Python's `concurrent.futures.process.BrokenProcessPool`): a
 * child's initializer failed, or (with `brokenOnCrash: true`) one of its children died. Every
 * pending task fails with it and the pool refuses new ones.
 *
 * @example
 * ```ts
 * import { BrokenProcessPool } from 'weft/errors';
 * try { await future; } catch (err) {
 *   if (err instanceof BrokenProcessPool) console.error('the pool is broken:', err.cause);
 * }
 * ```
 */
export class BrokenProcessPool extends BrokenExecutorError {
  static override readonly kind: string = 'BrokenProcessPool';
  static override readonly code: string = 'ERR_WEFT_BROKEN_PROCESS_POOL';
}

/**
 * The worker running a task died (it crashed, called `process.exit`, ran out of memory, or
 * was replaced after ignoring a timeout): that task fails with this error, whose `cause` says
 * why; the pool replaces the worker and goes on serving other tasks.
 *
 * @example
 * ```ts
 * import { WorkerCrashedError } from 'weft/errors';
 * try { await pool.submit(risky); } catch (err) {
 *   if (err instanceof WorkerCrashedError) console.error('retry?', err.cause);
 * }
 * ```
 */
export class WorkerCrashedError extends BrokenExecutorError {
  static override readonly kind: string = 'WorkerCrashedError';
  static override readonly code: string = 'ERR_WEFT_WORKER_CRASHED';
}

/**
 * A barrier was reset or aborted while a party waited, or broke because a party timed out
 * or its action threw (`threading.BrokenBarrierError`).
 *
 * @example
 * ```ts
 * import { Barrier } from 'weft/asyncio';
 * const b = new Barrier(2);
 * b.abort();
 * await b.wait(); // rejects with BrokenBarrierError
 * ```
 */
export class BrokenBarrierError extends WeftError {
  static override readonly kind: string = 'BrokenBarrierError';
  static override readonly code: string = 'ERR_WEFT_BROKEN_BARRIER';
}

/**
 * A queue had no item to give without waiting (`queue.Empty`, `asyncio.QueueEmpty`).
 *
 * @example
 * ```ts
 * import { Queue } from 'weft/asyncio';
 * new Queue().getNowait(); // Empty
 * ```
 */
export class Empty extends WeftError {
  static override readonly kind: string = 'Empty';
  static override readonly code: string = 'ERR_WEFT_EMPTY';
}

/**
 * A bounded queue had no room without waiting (`queue.Full`, `asyncio.QueueFull`).
 *
 * @example
 * ```ts
 * import { Queue } from 'weft/asyncio';
 * const q = new Queue<number>({ maxsize: 1 });
 * q.putNowait(1);
 * q.putNowait(2); // Full
 * ```
 */
export class Full extends WeftError {
  static override readonly kind: string = 'Full';
  static override readonly code: string = 'ERR_WEFT_FULL';
}

/**
 * A queue was shut down (`queue.ShutDown`, Python 3.13): `put` always fails, `get` fails
 * once the queue is empty.
 *
 * @example
 * ```ts
 * import { Queue } from 'weft/asyncio';
 * const q = new Queue<number>();
 * q.shutdown();
 * await q.put(1); // rejects with ShutDown
 * ```
 */
export class ShutDown extends WeftError {
  static override readonly kind: string = 'ShutDown';
  static override readonly code: string = 'ERR_WEFT_SHUTDOWN';
}

/**
 * Waiting would never end: the caller's acquire closes a cycle of threads each waiting for a
 * lock held by the next. The message names the cycle.
 *
 * @example
 * ```ts
 * try { a.acquireSync(); } catch (err) {
 *   if (err instanceof DeadlockError) console.error(err.message); // names threads and locks
 * }
 * ```
 */
export class DeadlockError extends WeftError {
  static override readonly kind: string = 'DeadlockError';
  static override readonly code: string = 'ERR_WEFT_DEADLOCK';
}

/**
 * A peer failed the authkey challenge (`multiprocessing.AuthenticationError`).
 *
 * @example
 * ```ts
 * try { await manager.connect(); } catch (err) {
 *   if (err instanceof AuthenticationError) console.error('wrong authkey');
 * }
 * ```
 */
export class AuthenticationError extends WeftError {
  static override readonly kind: string = 'AuthenticationError';
  static override readonly code: string = 'ERR_WEFT_AUTHENTICATION';
}

/**
 * The other end of a `Pipe` was closed, or every process holding it ended, and nothing is
 * left to read (Python's `EOFError` from `Connection.recv()`).
 *
 * @example
 * ```ts
 * import { Pipe } from 'weft/multiprocessing';
 * import { EOFError } from 'weft/errors';
 * const [a, b] = Pipe();
 * a.close();
 * try { await b.recv(); } catch (err) { console.log(err instanceof EOFError); } // true
 * ```
 */
export class EOFError extends WeftError {
  static override readonly kind: string = 'EOFError';
  static override readonly code: string = 'ERR_WEFT_EOF';
}

/**
 * An operating-system level failure (Python's `OSError`): weft raises it for a `Connection`
 * used after `close()` ("handle is closed"), and as the base of {@link BrokenPipeError}.
 *
 * @example
 * ```ts
 * import { Pipe } from 'weft/multiprocessing';
 * import { OSError } from 'weft/errors';
 * const [a] = Pipe();
 * a.close();
 * try { a.send(1); } catch (err) { console.log(err instanceof OSError); } // true
 * ```
 */
export class OSError extends WeftError {
  static override readonly kind: string = 'OSError';
  static override readonly code: string = 'ERR_WEFT_OS';
}

/**
 * A message was sent on a `Connection` whose other end is closed (Python's `BrokenPipeError`).
 *
 * @example
 * ```ts
 * import { Pipe } from 'weft/multiprocessing';
 * import { BrokenPipeError } from 'weft/errors';
 * const [a, b] = Pipe();
 * b.close();
 * try { await a.send('hello'); } catch (err) { console.log(err instanceof BrokenPipeError); } // true
 * ```
 */
export class BrokenPipeError extends OSError {
  static override readonly kind: string = 'BrokenPipeError';
  static override readonly code: string = 'ERR_WEFT_BROKEN_PIPE';
}

/**
 * A manager's server could not do what was asked, for a reason other than an exception raised
 * by the registered callable or method (Python's `multiprocessing.managers.RemoteError`): the
 * typeid is not registered there, the method is not exposed, the proxied object was released,
 * or the result could not be sent back. An exception raised by the callable itself arrives as
 * its own class instead, with its message and the server's stack. `weft/redis` raises it for
 * the same kind of failure: a worker that serves no task of that name, or a job that BullMQ
 * failed for a reason of its own.
 *
 * @example
 * ```ts
 * import { RemoteError } from 'weft/errors';
 * try { await counter._callmethod('reset'); } catch (err) {
 *   if (err instanceof RemoteError) console.error(err.message); // method 'reset' ... is not exposed
 * }
 * ```
 */
export class RemoteError extends WeftError {
  static override readonly kind: string = 'RemoteError';
  static override readonly code: string = 'ERR_WEFT_REMOTE';
}

/**
 * What a child process produced, as given to a {@link SubprocessError}.
 *
 * @example
 * ```ts
 * import { SubprocessError } from 'weft/errors';
 * const err = new SubprocessError('backup failed', { cmd: ['tar', 'cf', 'x.tar', '.'], stderr: 'denied' });
 * ```
 */
export interface ProcessOutputOptions extends WeftErrorOptions {
  /** The command that ran: the array of arguments, or the shell command line. */
  cmd?: readonly string[] | string;
  /** What the child wrote to its stdout, when it was captured. */
  output?: string | Buffer | null;
  /** What the child wrote to its stderr, when it was captured. */
  stderr?: string | Buffer | null;
}

/**
 * The fields of a {@link CalledProcessError}.
 *
 * @example
 * ```ts
 * import { CalledProcessError } from 'weft/errors';
 * throw new CalledProcessError(undefined, { returncode: 2, cmd: ['make'], output: 'log' });
 * // CalledProcessError: Command ["make"] returned non-zero exit status 2.
 * ```
 */
export interface CalledProcessErrorOptions extends ProcessOutputOptions {
  /** The exit status; negative `-N` when the child was killed by signal `N`. */
  returncode?: number;
}

/**
 * The fields of a {@link TimeoutExpired}.
 *
 * @example
 * ```ts
 * import { TimeoutExpired } from 'weft/errors';
 * throw new TimeoutExpired(undefined, { cmd: ['sleep', '9'], timeout: 500 });
 * // TimeoutExpired: Command ["sleep","9"] timed out after 500 ms
 * ```
 */
export interface TimeoutExpiredOptions extends ProcessOutputOptions {
  /** The timeout that expired, in milliseconds. */
  timeout?: number;
}

function renderCommand(cmd: readonly string[] | string | undefined): string {
  return cmd === undefined ? 'the command' : `Command ${JSON.stringify(cmd)}`;
}

function signalName(signum: number): string {
  const entry = Object.entries(osConstants.signals).find(([, n]) => n === signum);
  return entry ? entry[0] : `signal ${signum}`;
}

/**
 * The base of the errors raised by `weft/subprocess` (Python's `subprocess.SubprocessError`).
 * It holds what its subclasses share: the command and, when captured, what the child wrote
 * (`output`, also named `stdout`, and `stderr`; `null` when not captured).
 *
 * @example
 * ```ts
 * import { checkOutput } from 'weft/subprocess';
 * import { SubprocessError } from 'weft/errors';
 * try {
 *   await checkOutput(['git', 'status'], { timeout: 5000 });
 * } catch (err) {
 *   if (err instanceof SubprocessError) console.error(err.message, err.stderr);
 * }
 * ```
 */
export class SubprocessError extends WeftError {
  static override readonly kind: string = 'SubprocessError';
  static override readonly code: string = 'ERR_WEFT_SUBPROCESS';
  /** The command that ran. */
  cmd: readonly string[] | string | undefined;
  /** What the child wrote to its stdout, or `null` when it was not captured. */
  output: string | Buffer | null;
  /** What the child wrote to its stderr, or `null` when it was not captured. */
  stderr: string | Buffer | null;

  constructor(message?: string, options?: ProcessOutputOptions) {
    super(message, options);
    this.cmd = options?.cmd;
    this.output = options?.output ?? null;
    this.stderr = options?.stderr ?? null;
  }

  /** The same as {@link output} (Python's alias). */
  get stdout(): string | Buffer | null {
    return this.output;
  }
  set stdout(value: string | Buffer | null) {
    this.output = value;
  }
}

/**
 * A child process exited with a non-zero status where success was required: `run` with
 * `check: true`, `checkCall`, `checkOutput`, `CompletedProcess.checkReturncode()` (Python's
 * `subprocess.CalledProcessError`). `output` (also `stdout`) and `stderr` hold what it wrote,
 * when captured.
 *
 * Weft builds it as `new CalledProcessError(undefined, { returncode, cmd, output, stderr })`;
 * without a message, the message is Python's: `Command [...] returned non-zero exit status 3.`
 * or `Command [...] died with SIGKILL.`
 *
 * @example
 * ```ts
 * import { run } from 'weft/subprocess';
 * import { CalledProcessError } from 'weft/errors';
 * try {
 *   await run(['ls', '/nonexistent'], { capture: true, text: true, check: true });
 * } catch (err) {
 *   if (err instanceof CalledProcessError) console.error(err.returncode, err.stderr);
 * }
 * ```
 */
export class CalledProcessError extends SubprocessError {
  static override readonly kind: string = 'CalledProcessError';
  static override readonly code: string = 'ERR_WEFT_CALLED_PROCESS';
  /** The exit status; negative `-N` when the child was killed by signal `N` (`NaN` if unknown). */
  returncode: number;

  constructor(message?: string, options?: CalledProcessErrorOptions) {
    const returncode = options?.returncode ?? Number.NaN;
    super(
      message ??
        (returncode < 0
          ? `${renderCommand(options?.cmd)} died with ${signalName(-returncode)}.`
          : `${renderCommand(options?.cmd)} returned non-zero exit status ${returncode}.`),
      options,
    );
    this.returncode = returncode;
  }
}

/**
 * A child process did not finish within its timeout (Python's `subprocess.TimeoutExpired`).
 * `output` (also `stdout`) and `stderr` hold what the child wrote before the deadline, when
 * captured. `Popen.wait` and `Popen.communicate` leave the child running; `run` and its
 * wrappers kill and reap it before raising. `timeout` is in milliseconds.
 *
 * @example
 * ```ts
 * import { run } from 'weft/subprocess';
 * import { TimeoutExpired } from 'weft/errors';
 * try {
 *   await run(['sleep', '10'], { timeout: 100 });
 * } catch (err) {
 *   if (err instanceof TimeoutExpired) console.error(`gave up after ${err.timeout} ms`);
 * }
 * ```
 */
export class TimeoutExpired extends SubprocessError {
  static override readonly kind: string = 'TimeoutExpired';
  static override readonly code: string = 'ERR_WEFT_TIMEOUT_EXPIRED';
  /** The timeout that expired, in milliseconds (`NaN` if unknown). */
  timeout: number;

  constructor(message?: string, options?: TimeoutExpiredOptions) {
    const timeout = options?.timeout ?? Number.NaN;
    super(message ?? `${renderCommand(options?.cmd)} timed out after ${timeout} ms`, options);
    this.timeout = timeout;
  }
}

/**
 * Several errors raised together, as by a `TaskGroup` whose children failed (Python's
 * `ExceptionGroup`). Also an `AggregateError`: `errors` and `exceptions` are the same list.
 *
 * @example
 * ```ts
 * import { TaskGroup } from 'weft/asyncio';
 * try {
 *   await using tg = new TaskGroup();
 *   tg.createTask(async () => { throw new Error('a'); });
 * } catch (err) {
 *   if (err instanceof ExceptionGroup) for (const e of err.exceptions) console.error(e);
 * }
 * ```
 */
export class ExceptionGroup extends AggregateError {
  static readonly kind: string = 'ExceptionGroup';
  static readonly code: string = 'ERR_WEFT_EXCEPTION_GROUP';
  declare readonly code: string;
  constructor(message: string, exceptions: readonly unknown[], options?: WeftErrorOptions) {
    super([...exceptions], message, options);
    brand(this, new.target as never);
  }
  /** The member errors (Python's `ExceptionGroup.exceptions`). */
  get exceptions(): readonly unknown[] {
    return this.errors;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(this as never, value);
  }
}

/**
 * Every class of the tree by its kind, for rebuilding errors that crossed a thread or a
 * process. New classes of the tree are added to this list.
 * @internal
 */
export const errorClasses: ReadonlyMap<
  string,
  new (
    message?: string,
    options?: WeftErrorOptions,
  ) => Error
> = new Map<string, any>(
  [
    WeftError,
    ValueError,
    ArgumentTypeError,
    IndexError,
    RuntimeError,
    CancelledError,
    TimeoutError,
    InvalidStateError,
    BrokenExecutorError,
    BrokenThreadPool,
    BrokenProcessPool,
    WorkerCrashedError,
    BrokenBarrierError,
    Empty,
    Full,
    ShutDown,
    DeadlockError,
    AuthenticationError,
    RemoteError,
    EOFError,
    OSError,
    BrokenPipeError,
    SubprocessError,
    CalledProcessError,
    TimeoutExpired,
  ].map((c) => [c.kind, c]),
);
