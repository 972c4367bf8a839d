/**
 * `Thread` (Python's `threading.Thread`) on real parallel threads, and the functions that
 * describe the running threads: `currentThread`, `mainThread`, `activeCount`, `enumerate`,
 * `getIdent`, `excepthook`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isMainThread } from 'node:worker_threads';
import {
  assertMayBlock,
  deadlineOf,
  remaining,
  runAsync,
  runSync,
  type Steps,
} from '../_internal/park.js';
import {
  claimIdent,
  currentIdent,
  endWatch,
  isAlive,
  liveIdents,
  mainIdent,
  nameOf,
  nativeIdOf,
  nextThreadNumber,
  setIdentName,
} from '../_internal/registry.js';
import {
  checkBoolean,
  checkString,
  checkWaitOptions,
  typeError,
  type WaitOptions,
} from '../_internal/validate.js';
import { RuntimeError } from '../errors.js';
import { type CarrierMode, carrierFor } from '../runtime/carriers.js';
import { decodeError } from '../runtime/error_wire.js';
import {
  type ArgsOption,
  checkRunnableOptions,
  describeRunnable,
  type RunnablePayload,
  rebuildRunnable,
} from '../runtime/runnable.js';
import { forgetThreadLocals } from './local.js';

/** Where a thread runs: an isolate of its own, or shared with other async threads. */
export type IsolateMode = 'own' | 'shared';

/** Options of `new Thread(...)` (Python's keyword arguments). */
export type ThreadOptions<A extends unknown[] = unknown[]> = {
  /**
   * The function the thread runs: exported from a module (it is sent by reference and its
   * module imported in the thread), or self-contained (sent as source).
   */
  target?: ((...args: A) => unknown) | undefined;
  /** Python's keyword arguments: passed to `target` as one final argument. */
  kwargs?: Record<string, unknown> | undefined;
  /** The thread's name; default `Thread-N (target)`. */
  name?: string | undefined;
  /** A daemon thread does not keep the process alive; default: the creating thread's. */
  daemon?: boolean | undefined;
  /**
   * `'own'`: an isolate of its own (may block, may spin the CPU). `'shared'`: a virtual
   * thread multiplexed with other async threads on one isolate per CPU (cheap to start;
   * must not block). Default: `'shared'` for async functions, `'own'` otherwise.
   */
  isolate?: IsolateMode | undefined;
} & ArgsOption<A>;

interface ThreadState {
  name: string;
  daemon: boolean;
  ident: number | undefined;
  started: boolean;
  target: Function | undefined;
  args: unknown[];
  kwargs: Record<string, unknown> | undefined;
  isolate: IsolateMode | undefined;
  done: Promise<void> | undefined;
  ended: boolean;
}

/** What crosses to the carrier to run a thread. */
export interface ThreadPayload extends RunnablePayload {
  ident: number;
  name: string;
  daemon: boolean;
}

const states = new WeakMap<Thread, ThreadState>();
const byIdent = new Map<number, WeakRef<Thread>>();

function stateOf(t: Thread): ThreadState {
  const s = states.get(t);
  if (!s) throw new RuntimeError('Thread.__init__() not called: call super() in the constructor');
  return s;
}

const AsyncFunction = (async () => {}).constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;

/**
 * A thread of control running in parallel with the others (Python's `threading.Thread`).
 *
 * Give it a `target`, or subclass it and override `run()`. The function (or the subclass)
 * must be exported from its module, or be self-contained: it runs in another isolate, which
 * imports that module (guard top-level side effects with `if (isMainThread)`). Arguments
 * cross by structured clone; weft's locks, events, queues and shared values arrive live.
 *
 * Async targets run as virtual threads, many to an isolate (cheap: a hundred start in a few
 * milliseconds); others get an isolate of their own (reused after the thread ends). An error
 * a thread does not catch goes to `excepthook` and the process carries on.
 *
 * @example
 * ```ts
 * // work.ts
 * import { isMainThread } from 'node:worker_threads';
 * import { Thread, currentThread } from 'weft/threading';
 * import { sleep } from 'weft/asyncio';
 *
 * export async function task(n: number) {
 *   console.log(`${currentThread().name} sleeps ${n} ms`);
 *   await sleep(n);
 * }
 *
 * if (isMainThread) {
 *   const threads = [100, 200].map((n) => new Thread({ target: task, args: [n] }));
 *   for (const t of threads) t.start();
 *   for (const t of threads) await t.join();
 * }
 *
 * // subclassing
 * export class Counter extends Thread {
 *   constructor(public limit: number) { super(); }
 *   override async run() { for (let i = 0; i < this.limit; i++) console.log(i); }
 * }
 * ```
 */
export class Thread<A extends unknown[] = unknown[]> {
  constructor(options?: ThreadOptions<A>) {
    const opts = checkRunnableOptions(options as ThreadOptions | undefined, ['isolate']);
    if (opts.isolate !== undefined && opts.isolate !== 'own' && opts.isolate !== 'shared') {
      typeError('isolate', "'own' or 'shared'", opts.isolate);
    }
    const name =
      opts.name === undefined
        ? `Thread-${nextThreadNumber()}${opts.target?.name ? ` (${opts.target.name})` : ''}`
        : checkString(opts.name, 'name');
    states.set(this, {
      name,
      daemon:
        opts.daemon === undefined ? currentThread().daemon : checkBoolean(opts.daemon, 'daemon'),
      ident: undefined,
      started: false,
      target: opts.target,
      args: (opts.args as unknown[] | undefined) ?? [],
      kwargs: opts.kwargs,
      isolate: opts.isolate,
      done: undefined,
      ended: false,
    });
  }

  /** The thread's name (not unique). */
  get name(): string {
    return stateOf(this).name;
  }
  set name(value: string) {
    const s = stateOf(this);
    s.name = checkString(value, 'name');
    if (s.ident !== undefined) setIdentName(s.ident, s.name);
  }
  /** Python's old `getName()`. */
  getName(): string {
    return this.name;
  }
  /** Python's old `setName()`. */
  setName(name: string): void {
    this.name = name;
  }

  /** Whether the thread is a daemon: daemon threads do not keep the process alive. */
  get daemon(): boolean {
    return stateOf(this).daemon;
  }
  set daemon(value: boolean) {
    const s = stateOf(this);
    if (s.started) throw new RuntimeError('cannot set daemon status of active thread');
    s.daemon = checkBoolean(value, 'daemon');
  }
  /** Python's old `isDaemon()`. */
  isDaemon(): boolean {
    return this.daemon;
  }
  /** Python's old `setDaemon()`. */
  setDaemon(value: boolean): void {
    this.daemon = value;
  }

  /** The thread's identifier, once started (unique among live threads of the process). */
  get ident(): number | undefined {
    return stateOf(this).ident;
  }

  /** The Node.js `threadId` of the isolate running the thread, once started. */
  get nativeId(): number | undefined {
    const ident = stateOf(this).ident;
    return ident === undefined
      ? undefined
      : ident === mainIdent() && this === mainThreadObject
        ? 0
        : nativeIdOf(ident);
  }

  /** What the thread does: calls `target(...args)` (with `kwargs` last, if given). Override in subclasses. */
  run(): unknown {
    const s = stateOf(this);
    if (!s.target) return undefined;
    return s.kwargs === undefined ? s.target(...s.args) : s.target(...s.args, s.kwargs);
  }

  /** Starts the thread. Throws `RuntimeError` if called twice, and before anything is sent if the target or arguments cannot cross. */
  start(): void {
    const s = stateOf(this);
    if (s.started) throw new RuntimeError('threads can only be started once');
    const payload = payloadOf(this, s);
    const mode = modeOf(this, s);
    s.started = true;
    const ident = claimIdent(s.name);
    s.ident = ident;
    payload.ident = ident;
    byIdent.set(ident, new WeakRef(this));
    const carrier = carrierFor(mode);
    s.done = new Promise<void>((resolve) => {
      carrier.run(ident, s.daemon, payload, (result) => {
        s.ended = true;
        byIdent.delete(ident);
        if (result.error !== undefined) reportUncaught(this, decodeError(result.error));
        resolve();
      });
    });
  }

  /** True from `start()` until the thread ends. */
  isAlive(): boolean {
    const s = stateOf(this);
    if (this === mainThreadObject) return true;
    if (!s.started || s.ended || s.ident === undefined) return false;
    return isAlive(s.ident);
  }

  /**
   * Waits until the thread ends, without blocking the event loop. Resolves true if it ended,
   * false if `timeout` passed first (Python's join returns None: check `isAlive()`).
   */
  async join(options?: WaitOptions): Promise<boolean> {
    const { timeout, signal } = checkWaitOptions(options);
    const s = checkJoinable(this);
    if (s.done) {
      if (timeout === undefined && !signal) {
        await s.done;
        return true;
      }
      return runAsync(
        joinSteps(s.ident!, deadlineOf(timeout), () => s.ended),
        signal,
      );
    }
    return runAsync(
      joinSteps(s.ident!, deadlineOf(timeout), () => !isAlive(s.ident!)),
      signal,
    );
  }

  /** Waits until the thread ends, blocking the calling thread. Returns true if it ended. */
  joinSync(options?: WaitOptions): boolean {
    assertMayBlock('Thread.joinSync()');
    const { timeout, signal } = checkWaitOptions(options);
    const s = checkJoinable(this);
    return runSync(
      joinSteps(s.ident!, deadlineOf(timeout), () => !isAlive(s.ident!)),
      signal,
    );
  }

  toString(): string {
    const s = stateOf(this);
    const status = !s.started ? 'initial' : this.isAlive() ? 'started' : 'stopped';
    return `<${this.constructor.name}(${s.name}, ${status}${s.daemon ? ' daemon' : ''}${s.ident !== undefined ? ` ${s.ident}` : ''})>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function modeOf(t: Thread, s: ThreadState): CarrierMode {
  if (s.isolate) return s.isolate === 'own' ? 'own' : 'virtual';
  const body = t.run === Thread.prototype.run ? s.target : t.run;
  return body instanceof AsyncFunction || body instanceof AsyncGeneratorFunction
    ? 'virtual'
    : 'own';
}

function payloadOf(t: Thread, s: ThreadState): ThreadPayload {
  return {
    ident: 0,
    name: s.name,
    daemon: s.daemon,
    ...describeRunnable(t, Thread, s.target, s.args, s.kwargs, 'thread'),
  };
}

function checkJoinable(t: Thread): ThreadState {
  const s = stateOf(t);
  if (!s.started) throw new RuntimeError('cannot join thread before it is started');
  if (s.ident === currentIdent()) throw new RuntimeError('cannot join current thread');
  return s;
}

/** Waits on the registry until the thread ends (or `ended()` says so), or the deadline. */
function* joinSteps(
  ident: number,
  deadline: number | undefined,
  ended: () => boolean,
): Steps<boolean> {
  for (;;) {
    if (ended()) return true;
    const watch = endWatch(ident);
    if (!watch) return true;
    const left = remaining(deadline);
    if (left === 0) return false;
    yield { ...watch, timeout: left === undefined ? 100 : Math.min(left, 100) };
  }
}

// --- the thread that is running ---------------------------------------------------------

/** Runs `fn` with `thread` as the current thread of a virtual-thread context. */
const currentStore = new AsyncLocalStorage<Thread>();
let isolateThread: Thread | undefined;

/** A Thread object for a thread weft did not start here (Python's `_DummyThread`). */
class DummyThread extends Thread {
  constructor(name: string, ident: number, daemon: boolean) {
    super({ name, daemon });
    const s = stateOf(this);
    s.ident = ident;
    s.started = true;
  }
  override async join(): Promise<boolean> {
    throw new RuntimeError('cannot join a dummy thread');
  }
  override joinSync(): boolean {
    throw new RuntimeError('cannot join a dummy thread');
  }
}

let mainThreadObject: Thread | undefined;

/** The main thread's object (Python's `threading.main_thread()`). */
export function mainThread(): Thread {
  if (!mainThreadObject) {
    const ident = mainIdent() || currentIdent();
    mainThreadObject = Object.create(Thread.prototype) as Thread;
    states.set(mainThreadObject, {
      name: 'MainThread',
      daemon: false,
      ident,
      started: true,
      target: undefined,
      args: [],
      kwargs: undefined,
      isolate: undefined,
      done: undefined,
      ended: false,
    });
  }
  return mainThreadObject;
}

/** The Thread object of the calling thread (Python's `threading.current_thread()`). */
export function currentThread(): Thread {
  const v = currentStore.getStore();
  if (v) return v;
  if (isolateThread) return isolateThread;
  if (isMainThread) return mainThread();
  const ident = currentIdent();
  isolateThread = new DummyThread(nameOf(ident), ident, true);
  return isolateThread;
}

/** The calling thread's ident (Python's `threading.get_ident()`). */
export function getIdent(): number {
  return currentIdent();
}

/** The calling thread's native id: the Node.js `threadId` of its isolate (Python's `get_native_id()`). */
export function getNativeId(): number {
  return currentThread().nativeId ?? 0;
}

/** Every live thread of the process (Python's `threading.enumerate()`). */
export function enumerate(): Thread[] {
  currentIdent();
  const main = mainIdent();
  return liveIdents().map((ident) => {
    if (ident === main) return mainThread();
    const local = byIdent.get(ident)?.deref();
    if (local) return local;
    return new DummyThread(nameOf(ident), ident, true);
  });
}

/** Number of live threads in the process (Python's `threading.active_count()`). */
export function activeCount(): number {
  currentIdent();
  return liveIdents().length;
}

// --- uncaught errors --------------------------------------------------------------------

/** What `excepthook` receives (Python's `ExceptHookArgs`). */
export interface ExceptHookArgs {
  excType: string;
  excValue: unknown;
  excTraceback: string | undefined;
  thread: Thread;
}

function defaultExcepthook(args: ExceptHookArgs): void {
  const err = args.excValue as Error | undefined;
  const text =
    err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(args.excValue);
  process.stderr.write(`Exception in thread ${args.thread.name}:\n${text}\n`);
}

let hook: (args: ExceptHookArgs) => void = defaultExcepthook;

/**
 * Reports an error a thread did not catch (Python's `threading.excepthook`): by default it
 * prints `Exception in thread NAME:` and the stack to stderr; the process carries on. It runs
 * in the thread that started the failing thread. Replace it with {@link setExcepthook}.
 *
 * @example
 * ```ts
 * import { setExcepthook, excepthook } from 'weft/threading';
 * setExcepthook((args) => {
 *   myLogger.error({ thread: args.thread.name, err: args.excValue });
 *   excepthook(args); // and print it as usual
 * });
 * ```
 */
export function excepthook(args: ExceptHookArgs): void {
  defaultExcepthook(args);
}

/** Replaces the hook that reports threads' uncaught errors; returns the previous one. */
export function setExcepthook(fn: (args: ExceptHookArgs) => void): (args: ExceptHookArgs) => void {
  if (typeof fn !== 'function') typeError('fn', 'a function', fn);
  const previous = hook;
  hook = fn;
  return previous;
}

function reportUncaught(thread: Thread, error: unknown): void {
  try {
    hook({
      excType: (error as Error)?.name ?? typeof error,
      excValue: error,
      excTraceback: (error as Error)?.stack,
      thread,
    });
  } catch (hookError) {
    process.stderr.write(
      `Exception in threading.excepthook:\n${(hookError as Error)?.stack ?? hookError}\n`,
    );
  }
}

// --- inside the carrier -----------------------------------------------------------------

/**
 * @internal Runs a thread body in this isolate (the carrier calls it): rebuilds the Thread
 * object (its subclass and fields), makes it the current thread and calls `run()`.
 */
export async function runThreadBody(p: ThreadPayload, virtual: boolean): Promise<void> {
  const { self: thread, target, args, kwargs } = await rebuildRunnable<Thread>(p, Thread);
  states.set(thread, {
    name: p.name,
    daemon: p.daemon,
    ident: p.ident,
    started: true,
    target,
    args,
    kwargs,
    isolate: virtual ? 'shared' : 'own',
    done: undefined,
    ended: false,
  });
  try {
    if (virtual) {
      await currentStore.run(thread, () => thread.run());
      return;
    }
    isolateThread = thread;
    await thread.run();
  } finally {
    if (!virtual) isolateThread = undefined;
    forgetThreadLocals(p.ident);
  }
}
