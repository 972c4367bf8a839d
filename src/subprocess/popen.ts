/** `Popen`: one child process, its pipes, and waiting for it (Python's `subprocess.Popen`). */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { TIMED_OUT, within } from '../_internal/deadline.js';
import {
  checkInt,
  checkSignal,
  checkTimeout,
  checkWaitOptions,
  typeError,
  valueError,
  type WaitOptions,
} from '../_internal/validate.js';
import { TimeoutExpired, ValueError } from '../errors.js';
import { Collector } from './collector.js';
import { checkInput, type Input, isBrokenPipe, writeInput } from './input.js';
import { explainSpawnError, type Launch, resolveLaunch, returncodeOf } from './launch.js';
import { mergeStreams } from './merge.js';
import {
  type Args,
  type Captured,
  checkKeys,
  PROCESS_OPTION_KEYS,
  type ProcessOptions,
} from './options.js';

/**
 * The options of {@link Popen}: how the child starts, and a signal that kills it.
 *
 * @example
 * ```ts
 * import { PIPE, Popen, type PopenOptions } from 'weft/subprocess';
 * const options: PopenOptions = { stdout: PIPE, text: true, signal: AbortSignal.timeout(5000) };
 * const p = new Popen(['ls'], options);
 * ```
 */
export interface PopenOptions extends ProcessOptions {
  /**
   * Kill the child (`SIGKILL`) when this signal aborts. An already aborted signal throws its
   * reason and starts nothing.
   */
  signal?: AbortSignal | undefined;
}

/**
 * The options of {@link Popen.communicate}.
 *
 * @example
 * ```ts
 * import { PIPE, Popen, type CommunicateOptions } from 'weft/subprocess';
 * const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE });
 * const options: CommunicateOptions = { input: 'hello', timeout: 1000 };
 * await p.communicate(options);
 * ```
 */
export interface CommunicateOptions extends WaitOptions {
  /** Written to the child's stdin (which must be `PIPE`) before it is closed. */
  input?: Input | undefined;
}

/**
 * What {@link Popen.communicate} collected: `null` for a stream that is not a pipe. `Out` and
 * `Err` are the types of `stdout` and `stderr` (see {@link Captured}).
 *
 * @example
 * ```ts
 * import { PIPE, Popen, type Communicated } from 'weft/subprocess';
 * const p = new Popen(['ls'], { stdout: PIPE, text: true });
 * const { stdout, stderr }: Communicated<string, null> = await p.communicate();
 * console.log(stdout, stderr); // the listing, null
 * ```
 */
export interface Communicated<Out = string | Buffer | null, Err = Out> {
  stdout: Out;
  stderr: Err;
}

/** The keys of {@link PopenOptions}. */
export const POPEN_OPTION_KEYS: readonly string[] = [...PROCESS_OPTION_KEYS, 'signal'];

function checkSignalArg(sig: unknown): NodeJS.Signals | number {
  if (typeof sig === 'number') return checkInt(sig, 'sig', 0);
  if (typeof sig !== 'string') return typeError('sig', 'a signal name or number', sig);
  if (!Object.hasOwn(osConstants.signals, sig))
    valueError('sig', "a signal name such as 'SIGTERM'", sig);
  return sig as NodeJS.Signals;
}

/** Lets an unhandled stdin error through, except a broken pipe (the child stopped reading). */
function onStdinError(this: Writable, err: Error): void {
  if (!isBrokenPipe(err) && this.listenerCount('error') === 1) throw err;
}

/**
 * A child process (Python's `subprocess.Popen`). The constructor starts it at once; `pid` is
 * its process id. `returncode` is `null` while it runs, then its exit status, or `-N` when
 * signal `N` killed it. With `PIPE`, `stdin`, `stdout` and `stderr` are its pipes as Node
 * streams.
 *
 * Waiting returns Promises: `wait()` for the exit, `communicate()` to send input, read every
 * output to its end, and wait. A `timeout` raises {@link TimeoutExpired} and leaves the child
 * running, as in Python; call again to keep waiting, nothing read is lost. `await using`
 * closes the pipes and waits for the child when the scope ends (Python's `with`).
 *
 * A program that cannot be started (`ENOENT`: no such program or working directory,
 * `EACCES`) leaves `pid` undefined; `wait()` and `communicate()` reject with Node's error
 * (`code: 'ENOENT'`, the program in the message), and so does `poll()` once it has arrived.
 *
 * @example
 * ```ts
 * import { PIPE, Popen } from 'weft/subprocess';
 *
 * await using p = new Popen(['sort'], { stdin: PIPE, stdout: PIPE, text: true });
 * const { stdout } = await p.communicate({ input: 'b\na\n', timeout: 5000 });
 * console.log(stdout, p.returncode); // 'a\nb\n' 0
 * ```
 */
export class Popen<const O extends PopenOptions = {}> implements AsyncDisposable {
  /** The command, as given. */
  readonly args: Args;
  /** The child's process id; `undefined` when it could not be started. */
  readonly pid: number | undefined;
  /** The child's stdin when it is `PIPE`, else `null`. */
  readonly stdin: Writable | null;
  /** The child's stdout when it is `PIPE` (with stderr in it for `stderr: STDOUT`), else `null`. */
  readonly stdout: Readable | null;
  /** The child's stderr when it is `PIPE`, else `null`. */
  readonly stderr: Readable | null;
  readonly #child: ChildProcess;
  readonly #launch: Launch;
  readonly #exited: Promise<number>;
  #returncode: number | null = null;
  #spawnError: Error | undefined;
  #spawnErrorReported = false;
  #killError: Error | undefined;
  #communication: Promise<unknown> | undefined;
  #collectors: [Collector | null, Collector | null] = [null, null];

  constructor(args: Args, options?: O) {
    const opts = checkKeys<PopenOptions>(options, POPEN_OPTION_KEYS);
    const signal = checkSignal(opts.signal);
    const launch = resolveLaunch(args, opts);
    signal?.throwIfAborted();
    this.args = typeof args === 'string' ? args : Object.freeze([...args]);
    this.#launch = launch;
    const child = spawn(launch.file, launch.argv, launch.spawnOptions);
    this.#child = child;
    this.pid = child.pid;
    this.#exited = new Promise<number>((resolve, reject) => {
      child.once('exit', (code, sig) => resolve((this.#returncode = returncodeOf(code, sig))));
      child.on('error', (err) => {
        if (this.pid !== undefined) this.#killError = err;
        else reject((this.#spawnError = explainSpawnError(err, launch)));
      });
    });
    // Reported by wait(), communicate(), poll() or the disposal, whichever the caller uses.
    this.#exited.catch(() => {});
    if (signal) {
      const onAbort = (): void => this.kill();
      const forget = (): void => signal.removeEventListener('abort', onAbort);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#exited.then(forget, forget);
    }
    const { encoding } = launch;
    this.stdin = child.stdin;
    this.stdin?.on('error', onStdinError);
    if (encoding) {
      this.stdin?.setDefaultEncoding(encoding);
      child.stdout?.setEncoding(encoding);
      child.stderr?.setEncoding(encoding);
    }
    this.stdout = launch.mergeStderr ? mergeStreams(child.stdout!, child.stderr!) : child.stdout;
    this.stderr = launch.mergeStderr ? null : child.stderr;
  }

  /** The exit status once the child has ended (`-N` for signal `N`), `null` while it runs. */
  get returncode(): number | null {
    return this.#returncode;
  }

  /**
   * The child's `returncode` without waiting: `null` while it runs (as seen by the event
   * loop's last turn). Throws the error that kept the child from starting, if any.
   *
   * @example
   * ```ts
   * const p = new Popen(['sleep', '1']);
   * console.log(p.poll()); // null
   * ```
   */
  poll(): number | null {
    if (this.#spawnError) {
      this.#spawnErrorReported = true;
      throw this.#spawnError;
    }
    return this.#returncode;
  }

  /**
   * Waits for the child to end; resolves to its `returncode`. On `timeout` (ms) rejects with
   * {@link TimeoutExpired} and leaves the child running; an aborted `signal` rejects with its
   * reason. Like Python, a child writing more to a `PIPE` than the pipe holds waits for a
   * reader forever: read the pipe, or use {@link communicate}.
   *
   * @example
   * ```ts
   * const p = new Popen(['sleep', '10']);
   * try { await p.wait({ timeout: 100 }); } catch { p.kill(); }
   * console.log(await p.wait()); // -9
   * ```
   */
  async wait(options?: WaitOptions): Promise<number> {
    const { timeout, signal } = checkWaitOptions(options);
    this.#spawnErrorReported = true;
    const outcome = await within(this.#exited, timeout, signal);
    if (outcome === TIMED_OUT) throw new TimeoutExpired(undefined, { cmd: this.args, timeout });
    return outcome;
  }

  /**
   * Sends `input` to stdin (then closes it), reads stdout and stderr to their end, and waits
   * for the child to exit. Resolves to what was read: strings in text mode, Buffers otherwise,
   * `null` for a stream that is not a pipe.
   *
   * On `timeout` (ms) rejects with {@link TimeoutExpired} carrying the output so far, and
   * leaves the child running: a later `communicate()` (without `input`) goes on from there and
   * returns all the output. An aborted `signal` rejects with its reason. Input is written while
   * output is read, so large inputs and outputs never deadlock; a child that exits without
   * reading its input is not an error (its exit status tells).
   *
   * @example
   * ```ts
   * const p = new Popen(['wc', '-c'], { stdin: PIPE, stdout: PIPE, text: true });
   * const { stdout } = await p.communicate({ input: Buffer.alloc(10_000_000) });
   * console.log(stdout.trim()); // 10000000
   * ```
   */
  async communicate(
    options?: CommunicateOptions,
  ): Promise<Communicated<Captured<O, 'stdout'>, Captured<O, 'stderr'>>> {
    const opts = checkKeys<CommunicateOptions>(options, ['input', 'timeout', 'signal']);
    const input = checkInput(opts.input);
    const timeout = checkTimeout(opts.timeout);
    const signal = checkSignal(opts.signal);
    if (this.#communication !== undefined) {
      if (input !== undefined)
        throw new ValueError('Cannot send input after starting communication');
    } else if (input !== undefined && this.stdin === null) {
      throw new ValueError("input needs the child's stdin to be a pipe: pass stdin: PIPE");
    } else {
      this.#communication = this.#startCommunication(input);
    }
    this.#spawnErrorReported = true;
    const outcome = await within(this.#communication, timeout, signal);
    const output = this.#output();
    if (outcome === TIMED_OUT)
      throw new TimeoutExpired(undefined, {
        cmd: this.args,
        timeout,
        output: output.stdout,
        stderr: output.stderr,
      });
    return output;
  }

  #startCommunication(input: Input | undefined): Promise<unknown> {
    const text = this.#launch.encoding !== undefined;
    const collectors = [this.stdout, this.stderr].map((s) => s && new Collector(s, text));
    this.#collectors = collectors as [Collector | null, Collector | null];
    return Promise.all([
      writeInput(this.stdin, input, this.#launch.encoding),
      ...collectors.map((c) => c?.done),
      this.#exited,
    ]);
  }

  #output(): Communicated<Captured<O, 'stdout'>, Captured<O, 'stderr'>> {
    const [out, err] = this.#collectors;
    return {
      stdout: (out?.value() ?? null) as Captured<O, 'stdout'>,
      stderr: (err?.value() ?? null) as Captured<O, 'stderr'>,
    };
  }

  /**
   * Sends signal `sig` (a name such as `'SIGINT'`, or a number) to the child; does nothing
   * once it has ended (Python's `send_signal`).
   *
   * @example
   * ```ts
   * const p = new Popen(['sleep', '10']);
   * p.sendSignal('SIGINT');
   * console.log(await p.wait()); // -2
   * ```
   */
  sendSignal(sig: NodeJS.Signals | number): void {
    const checked = checkSignalArg(sig);
    if (this.#returncode !== null || this.pid === undefined) return;
    this.#killError = undefined;
    this.#child.kill(checked);
    const err = this.#killError;
    this.#killError = undefined;
    if (err) throw err;
  }

  /**
   * Asks the child to stop: `SIGTERM` (on Windows, ends it).
   *
   * @example
   * ```ts
   * const p = new Popen(['sleep', '10']);
   * p.terminate();
   * console.log(await p.wait()); // -15
   * ```
   */
  terminate(): void {
    this.sendSignal('SIGTERM');
  }

  /**
   * Kills the child: `SIGKILL` (on Windows, ends it).
   *
   * @example
   * ```ts
   * const p = new Popen(['sleep', '10']);
   * p.kill();
   * console.log(await p.wait()); // -9
   * ```
   */
  kill(): void {
    this.sendSignal('SIGKILL');
  }

  /**
   * Closes the pipes and waits for the child to exit, as Python's `with Popen(...)` does on
   * leaving: stdout and stderr are closed (a child still writing gets `EPIPE`), stdin is
   * ended (the child reads end-of-file). It does not kill the child. Rejects with the error
   * that kept the child from starting if no `wait()`, `communicate()` or `poll()` reported it.
   *
   * @example
   * ```ts
   * {
   *   await using p = new Popen(['cat'], { stdin: PIPE });
   *   p.stdin!.write('hello\n');
   * } // stdin ended, cat exits, and it has been waited for here
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    const child = this.#child;
    for (const stream of [this.stdout, child.stdout, child.stderr]) stream?.destroy();
    if (this.stdin && !this.stdin.writableEnded) this.stdin.end();
    try {
      await this.#exited;
    } catch (err) {
      if (!this.#spawnErrorReported) {
        this.#spawnErrorReported = true;
        throw err;
      }
    } finally {
      this.stdin?.destroy();
    }
  }
}
