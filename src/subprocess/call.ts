/**
 * Python's shorthands over `run`: `call` (the exit status), `checkCall` (raise unless 0),
 * `checkOutput` (stdout, raise unless 0), and their blocking `*Sync` twins over `runSync`.
 */
import { ValueError } from '../errors.js';
import { PIPE } from './constants.js';
import {
  type Args,
  checkKeys,
  type OutputOf,
  PROCESS_OPTION_KEYS,
  type ProcessOptions,
} from './options.js';
import { POPEN_OPTION_KEYS, type PopenOptions } from './popen.js';
import { run } from './run.js';
import {
  RUN_OPTION_KEYS,
  RUN_SYNC_OPTION_KEYS,
  type RunOptions,
  type RunSyncOptions,
} from './run_options.js';
import { runSync } from './run_sync.js';

/**
 * The options of `call` and `checkCall`: how the child starts, a `timeout` (ms, after which
 * it is killed and reaped) and a `signal` (aborting kills and reaps it).
 *
 * @example
 * ```ts
 * import { call, type CallOptions } from 'weft/subprocess';
 * const options: CallOptions = { cwd: '/tmp', timeout: 10_000 };
 * await call(['ls'], options);
 * ```
 */
export interface CallOptions extends PopenOptions {
  timeout?: number | undefined;
}

/**
 * The options of `callSync` and `checkCallSync`.
 *
 * @example
 * ```ts
 * import { callSync, type CallSyncOptions } from 'weft/subprocess';
 * const options: CallSyncOptions = { timeout: 10_000 };
 * callSync(['ls'], options);
 * ```
 */
export interface CallSyncOptions extends ProcessOptions {
  timeout?: number | undefined;
}

/**
 * The options of `checkOutput`: those of `run` but `stdout` (always captured), `capture` and
 * `check` (always on).
 *
 * @example
 * ```ts
 * import { STDOUT, checkOutput, type CheckOutputOptions } from 'weft/subprocess';
 * const options: CheckOutputOptions = { stderr: STDOUT, text: true };
 * console.log(await checkOutput(['make'], options));
 * ```
 */
export type CheckOutputOptions = Omit<RunOptions, 'stdout' | 'capture' | 'check'>;

/**
 * The options of `checkOutputSync`: those of `runSync` but `stdout`, `capture` and `check`.
 *
 * @example
 * ```ts
 * import { checkOutputSync, type CheckOutputSyncOptions } from 'weft/subprocess';
 * const options: CheckOutputSyncOptions = { text: true };
 * console.log(checkOutputSync(['hostname'], options));
 * ```
 */
export type CheckOutputSyncOptions = Omit<RunSyncOptions, 'stdout' | 'capture' | 'check'>;

const CALL_KEYS = [...POPEN_OPTION_KEYS, 'timeout'];
const CALL_SYNC_KEYS = [...PROCESS_OPTION_KEYS, 'timeout'];
const FIXED_BY_CHECK_OUTPUT = ['stdout', 'capture', 'check'];
const CHECK_OUTPUT_KEYS = RUN_OPTION_KEYS.filter((k) => !FIXED_BY_CHECK_OUTPUT.includes(k));
const CHECK_OUTPUT_SYNC_KEYS = RUN_SYNC_OPTION_KEYS.filter(
  (k) => !FIXED_BY_CHECK_OUTPUT.includes(k),
);

/** `options` checked against `allowed`, with `check: true` added. */
function checked<T extends object>(options: T | undefined, allowed: readonly string[]): T {
  return { ...checkKeys(options, allowed), check: true } as T;
}

/** `options` checked for `checkOutput`, with stdout captured and `check` on. */
function outputOptions<T extends object>(options: T | undefined, allowed: readonly string[]): T {
  if (options && typeof options === 'object' && 'stdout' in options)
    throw new ValueError('stdout is not allowed: checkOutput captures it and returns it');
  return { ...checked(options, allowed), stdout: PIPE };
}

/**
 * Runs a command, waits, and resolves to its exit status (Python's `subprocess.call`). Its
 * output goes where the parent's does unless redirected.
 *
 * @example
 * ```ts
 * import { call } from 'weft/subprocess';
 * const code = await call(['ls', '-l']);
 * console.log('Exit code:', code);
 * ```
 */
export async function call(args: Args, options?: CallOptions): Promise<number> {
  return (await run(args, checkKeys(options, CALL_KEYS))).returncode;
}

/**
 * {@link call}, blocking the calling thread (on `spawnSync`).
 *
 * @example
 * ```ts
 * import { callSync } from 'weft/subprocess';
 * console.log('Exit code:', callSync(['ls', '-l']));
 * ```
 */
export function callSync(args: Args, options?: CallSyncOptions): number {
  return runSync(args, checkKeys(options, CALL_SYNC_KEYS)).returncode;
}

/**
 * Runs a command and waits; resolves to 0, or rejects with {@link CalledProcessError} if it
 * failed (Python's `subprocess.check_call`).
 *
 * @example
 * ```ts
 * import { checkCall } from 'weft/subprocess';
 * await checkCall(['npm', 'run', 'build']); // throws if the build fails
 * ```
 */
export async function checkCall(args: Args, options?: CallOptions): Promise<0> {
  await run(args, checked(options, CALL_KEYS));
  return 0;
}

/**
 * {@link checkCall}, blocking the calling thread (on `spawnSync`).
 *
 * @example
 * ```ts
 * import { checkCallSync } from 'weft/subprocess';
 * checkCallSync(['npm', 'run', 'build']);
 * ```
 */
export function checkCallSync(args: Args, options?: CallSyncOptions): 0 {
  runSync(args, checked(options, CALL_SYNC_KEYS));
  return 0;
}

/**
 * Runs a command and resolves to its stdout (Python's `subprocess.check_output`): a `Buffer`,
 * or a string in text mode. Rejects with {@link CalledProcessError} (with the output) if it
 * failed. `stderr: STDOUT` includes stderr in the result.
 *
 * @example
 * ```ts
 * import { checkOutput } from 'weft/subprocess';
 * const branch = await checkOutput(['git', 'branch', '--show-current'], { text: true });
 * console.log(branch.trim());
 * ```
 */
export async function checkOutput<const O extends CheckOutputOptions = {}>(
  args: Args,
  options?: O,
): Promise<OutputOf<O>> {
  return (await run(args, outputOptions(options, CHECK_OUTPUT_KEYS))).stdout as OutputOf<O>;
}

/**
 * {@link checkOutput}, blocking the calling thread (on `spawnSync`).
 *
 * @example
 * ```ts
 * import { checkOutputSync } from 'weft/subprocess';
 * console.log(checkOutputSync(['hostname'], { text: true }).trim());
 * ```
 */
export function checkOutputSync<const O extends CheckOutputSyncOptions = {}>(
  args: Args,
  options?: O,
): OutputOf<O> {
  return runSync(args, outputOptions(options, CHECK_OUTPUT_SYNC_KEYS)).stdout as OutputOf<O>;
}
