/**
 * `Process` (Python's `multiprocessing.Process`): a function or a subclass's `run()` in a
 * child Node.js process, and the functions that describe processes: `currentProcess`,
 * `parentProcess`, `activeChildren`, `cpuCount`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, constants } from 'node:os';
import { authkey } from '../_internal/authkey.js';
import {
  checkBoolean,
  checkString,
  checkWaitOptions,
  type WaitOptions,
} from '../_internal/validate.js';
import { RuntimeError, ValueError } from '../errors.js';
import { deathLinkedLaunch } from '../runtime/parent_watch.js';
import {
  type ArgsOption,
  checkRunnableOptions,
  describeRunnable,
  type RunnablePayload,
} from '../runtime/runnable.js';
import { assertNotBootstrapping } from '../runtime/task_ref.js';
import { _childExited, _handOver } from './connection.js';

/** Options of `new Process(...)` (Python's keyword arguments). */
export type ProcessOptions<A extends unknown[] = unknown[]> = {
  /** The function the process runs: exported from its module (imported by the child) or self-contained. */
  target?: ((...args: A) => unknown) | undefined;
  /** Python's keyword arguments: passed to `target` as one final argument. */
  kwargs?: Record<string, unknown> | undefined;
  /** Default `Process-N` (`Process-1:2` for a child's second child; a subclass's name for `Process`). */
  name?: string | undefined;
  /** A daemon process is killed when its parent exits; the parent waits for the others. */
  daemon?: boolean | undefined;
} & ArgsOption<A>;

/** What crosses to the child to run it. */
export interface ProcessPayload extends RunnablePayload {
  name: string;
  daemon: boolean;
  identity: number[];
  parentName: string;
}

interface ProcessState {
  name: string;
  daemon: boolean;
  target: Function | undefined;
  args: unknown[];
  kwargs: Record<string, unknown> | undefined;
  child: ChildProcess | undefined;
  pid: number | undefined;
  exitcode: number | null;
  exited: Promise<void> | undefined;
  closed: boolean;
  identity: number[];
}

const states = new WeakMap<Process, ProcessState>();
const children = new Set<Process>();
let childCounter = 0;

/** This process's place in the process tree: `[]` for the main process, `[1, 2]` for a child's 2nd child. */
const myIdentity: number[] = (process.env.WEFT_PROCESS_IDENTITY ?? '')
  .split(':')
  .filter(Boolean)
  .map(Number);

/** @internal The place in the process tree of this process's next child (pools use it too). */
export function _nextChildIdentity(): number[] {
  return [...myIdentity, ++childCounter];
}

/** @internal The environment of a child at `identity`: this one's, with the tree's identity and authkey. */
export function _childEnv(
  identity: number[],
  launch: { env: NodeJS.ProcessEnv },
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...launch.env,
    WEFT_PROCESS_IDENTITY: identity.join(':'),
    WEFT_AUTHKEY: authkey.toString('hex'),
  };
}

function stateOf(p: Process): ProcessState {
  const s = states.get(p);
  if (!s) throw new RuntimeError('Process.__init__() not called: call super() in the constructor');
  if (s.closed) throw new ValueError('process object is closed');
  return s;
}

const bootstrap = new URL('../runtime/process_main.js', import.meta.url);

/** Python's `exitcode`: the exit code, or minus the signal number if a signal ended it. */
function exitcodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return -(constants.signals[signal] ?? 1);
  return code ?? 1;
}

/**
 * A child process running a function (Python's `multiprocessing.Process`).
 *
 * Give it a `target`, or subclass it and override `run()`. The child is a new Node.js process
 * that imports the target's (or subclass's) module by reference — Python's spawn start
 * method; Node has no `fork()` of a running program — so guard top-level side effects with
 * `if (isMainThread && !isChild())`, or keep the target in a module of its own. Arguments
 * cross by value (Node's `advanced` serialization); a subclass's own fields cross with it.
 *
 * A child never outlives its parent: daemon children are killed when the parent exits, and
 * every child exits when its parent dies, even by SIGKILL.
 *
 * @example
 * ```ts
 * // work.ts
 * import { Process, currentProcess } from 'weft/multiprocessing';
 * export function runProc(name: string) {
 *   console.log(`Run child process ${name} (${process.pid})...`);
 * }
 * // main.ts
 * const p = new Process({ target: runProc, args: ['test'] });
 * p.start();
 * await p.join();
 * console.log(p.exitcode); // 0
 * ```
 */
export class Process<A extends unknown[] = unknown[]> {
  constructor(options?: ProcessOptions<A>) {
    const o = checkRunnableOptions(options as ProcessOptions | undefined);
    const identity = _nextChildIdentity();
    states.set(this, {
      name:
        o.name === undefined
          ? `${new.target.name || 'Process'}-${identity.join(':')}`
          : checkString(o.name, 'name'),
      daemon:
        o.daemon === undefined
          ? (currentProcessState?.daemon ?? false)
          : checkBoolean(o.daemon, 'daemon'),
      target: o.target,
      args: (o.args as unknown[] | undefined) ?? [],
      kwargs: o.kwargs,
      child: undefined,
      pid: undefined,
      exitcode: null,
      exited: undefined,
      closed: false,
      identity,
    });
  }

  /** The process's name. */
  get name(): string {
    return stateOf(this).name;
  }
  set name(value: string) {
    stateOf(this).name = checkString(value, 'name');
  }

  /** Whether it is a daemon (set before `start()`). */
  get daemon(): boolean {
    return stateOf(this).daemon;
  }
  set daemon(value: boolean) {
    const s = stateOf(this);
    if (s.child) throw new RuntimeError('process has already started');
    s.daemon = checkBoolean(value, 'daemon');
  }

  /** The child's process id, once started. */
  get pid(): number | undefined {
    return stateOf(this).pid;
  }

  /** Python's `ident`: the same as `pid`. */
  get ident(): number | undefined {
    return this.pid;
  }

  /** The exit code once it ended: negative for a signal (-15 after `terminate()`); null while it runs. */
  get exitcode(): number | null {
    return stateOf(this).exitcode;
  }

  /** The authentication key shared by a process tree (managers use it by default). */
  get authkey(): Buffer {
    return authkey;
  }

  /** What the process does: calls `target(...args)` (with `kwargs` last, if given). Override in subclasses. */
  run(): unknown {
    const s = stateOf(this);
    if (!s.target) return undefined;
    return s.kwargs === undefined ? s.target(...s.args) : s.target(...s.args, s.kwargs);
  }

  /** Starts the child. Throws if called twice, or (before spawning) if the target or arguments cannot cross. */
  start(): void {
    const s = stateOf(this);
    if (s.child) throw new RuntimeError('cannot start a process twice');
    if (currentProcessState && this === currentProcessObject)
      throw new RuntimeError('cannot start the current process');
    assertNotBootstrapping();
    const payload: ProcessPayload = {
      name: s.name,
      daemon: s.daemon,
      identity: s.identity,
      parentName: currentProcess().name,
      ...describeRunnable(this, Process, s.target, s.args, s.kwargs, 'process'),
    };
    const launch = deathLinkedLaunch();
    const child = fork(bootstrap, [], {
      ...launch,
      serialization: 'advanced',
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: _childEnv(s.identity, launch),
    });
    s.child = child;
    s.pid = child.pid;
    children.add(this);
    if (child.pid !== undefined) _handOver([s.args, s.kwargs, { ...this }], child.pid);
    s.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        s.exitcode = exitcodeOf(code, signal);
        if (child.pid !== undefined) _childExited(child.pid);
        children.delete(this);
        resolve();
      });
    });
    child.once('error', () => {
      if (s.exitcode === null && child.exitCode === null && child.pid === undefined) {
        s.exitcode = 1;
        children.delete(this);
      }
    });
    child.send({ t: 'start', payload });
    if (s.daemon) {
      child.unref();
      (child as unknown as { channel?: { unref(): void } }).channel?.unref();
    }
  }

  /** True from `start()` until the child exits. */
  isAlive(): boolean {
    const s = stateOf(this);
    if (this === currentProcessObject) return true;
    if (this === parentProcessObject) return process.ppid === s.pid;
    return s.child !== undefined && s.exitcode === null;
  }

  /**
   * Waits until the child exits, without blocking the event loop. Resolves true if it exited,
   * false if `timeout` passed first (check `exitcode`).
   */
  async join(options?: WaitOptions): Promise<boolean> {
    const { timeout, signal } = checkWaitOptions(options);
    const s = stateOf(this);
    if (this === currentProcessObject) throw new RuntimeError('can only join a child process');
    if (!s.child) throw new RuntimeError('can only join a started process');
    if (s.exitcode !== null) return true;
    if (timeout === 0) return false;
    if (signal?.aborted) throw signal.reason;
    return new Promise<boolean>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => finish(() => reject(signal!.reason));
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      s.exited!.then(() => finish(() => resolve(true)));
      if (timeout !== undefined) timer = setTimeout(() => finish(() => resolve(false)), timeout);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Sends SIGTERM (Python's `terminate()`): `exitcode` becomes -15. */
  terminate(): void {
    this.#signal('SIGTERM');
  }

  /** Sends SIGKILL (Python's `kill()`): `exitcode` becomes -9. */
  kill(): void {
    this.#signal('SIGKILL');
  }

  #signal(sig: NodeJS.Signals): void {
    const s = stateOf(this);
    if (s.child && s.exitcode === null) s.child.kill(sig);
  }

  /** Releases the process object; it must have exited. Later use throws `ValueError`. */
  close(): void {
    const s = states.get(this);
    if (!s || s.closed) return;
    if (s.child && s.exitcode === null) {
      throw new ValueError(
        'Cannot close a process while it is still running. You should first call join() or terminate().',
      );
    }
    s.closed = true;
  }

  toString(): string {
    const s = states.get(this);
    if (!s) return '<Process>';
    if (s.closed) return `<${this.constructor.name} name='${s.name}' closed>`;
    const status =
      this === currentProcessObject
        ? 'started'
        : !s.child
          ? 'initial'
          : s.exitcode === null
            ? 'started'
            : `stopped exitcode=${s.exitcode}`;
    return `<${this.constructor.name} name='${s.name}'${s.pid ? ` pid=${s.pid}` : ''} parent=${process.pid} ${status}${s.daemon ? ' daemon' : ''}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// --- the processes around this one ------------------------------------------------------

let currentProcessObject: Process | undefined;
let currentProcessState: ProcessState | undefined;
let parentProcessObject: Process | null | undefined;

function describeProcess(
  name: string,
  pid: number,
  daemon: boolean,
): { p: Process; s: ProcessState } {
  const p = Object.create(Process.prototype) as Process;
  const s: ProcessState = {
    name,
    daemon,
    target: undefined,
    args: [],
    kwargs: undefined,
    child: undefined,
    pid,
    exitcode: null,
    exited: undefined,
    closed: false,
    identity: myIdentity,
  };
  states.set(p, s);
  return { p, s };
}

/** The Process object of the calling process (Python's `current_process()`): `MainProcess` in the main one. */
export function currentProcess(): Process {
  if (!currentProcessObject) {
    const { p, s } = describeProcess('MainProcess', process.pid, false);
    currentProcessObject = p;
    currentProcessState = s;
  }
  return currentProcessObject;
}

/**
 * @internal In a child: makes `self` (the rebuilt Process) the current process and records
 * its parent.
 */
export function _becomeChild(self: Process, p: ProcessPayload): void {
  const s: ProcessState = {
    name: p.name,
    daemon: p.daemon,
    target: undefined,
    args: [],
    kwargs: undefined,
    child: undefined,
    pid: process.pid,
    exitcode: null,
    exited: undefined,
    closed: false,
    identity: p.identity,
  };
  states.set(self, s);
  currentProcessObject = self;
  currentProcessState = s;
  parentProcessObject = describeProcess(p.parentName, process.ppid, false).p;
}

/** @internal In a child: sets what `run()` calls. */
export function _setTarget(
  self: Process,
  target: Function | undefined,
  args: unknown[],
  kwargs: Record<string, unknown> | undefined,
): void {
  const s = stateOf(self);
  s.target = target;
  s.args = args;
  s.kwargs = kwargs;
}

/**
 * The parent of the calling process (Python's `parent_process()`), or null in the main
 * process. Only `name`, `pid` and `isAlive()` mean anything on it.
 */
export function parentProcess(): Process | null {
  return parentProcessObject ?? null;
}

/** Live children of the calling process (Python's `active_children()`); ended ones are forgotten. */
export function activeChildren(): Process[] {
  return [...children].filter((p) => stateOf(p).exitcode === null);
}

/** Number of CPUs (Python's `cpu_count()`): `os.availableParallelism()`. */
export function cpuCount(): number {
  return availableParallelism();
}

/** True in a process started by weft (a `Process`, a pool worker…), false in the main one. */
export function isChild(): boolean {
  return myIdentity.length > 0;
}

// Python kills daemon children when the parent exits (and waits for the others, as Node does
// while they run).
process.on('exit', () => {
  for (const p of children) {
    const s = states.get(p);
    if (s?.daemon && s.exitcode === null) s.child?.kill('SIGKILL');
  }
});
