/** The options of `run` and `runSync`, checked and turned into the options of the child. */
import { checkBoolean, checkSignal, checkTimeout } from '../_internal/validate.js';
import { ValueError } from '../errors.js';
import { PIPE } from './constants.js';
import { checkInput, type Input } from './input.js';
import { checkKeys, PROCESS_OPTION_KEYS, type ProcessOptions } from './options.js';
import { POPEN_OPTION_KEYS, type PopenOptions } from './popen.js';

/**
 * The options of `runSync` (and of `run`, which adds `signal`).
 *
 * @example
 * ```ts
 * import { runSync, type RunSyncOptions } from 'weft/subprocess';
 * const options: RunSyncOptions = { input: 'b\na\n', capture: true, text: true, timeout: 5000 };
 * console.log(runSync(['sort'], options).stdout); // 'a\nb\n'
 * ```
 */
export interface RunSyncOptions extends ProcessOptions {
  /** Written to the child's stdin, which becomes a pipe (so `stdin` may not be given). */
  input?: Input | undefined;
  /** Capture stdout and stderr (Python's `capture_output`; `stdout`/`stderr` may not be given). */
  capture?: boolean | undefined;
  /**
   * Milliseconds the child may run. When they pass, the child is killed (`SIGKILL`) and
   * reaped, and {@link TimeoutExpired} is raised with the output captured so far.
   */
  timeout?: number | undefined;
  /** Raise {@link CalledProcessError} if the child's exit status is not 0. */
  check?: boolean | undefined;
}

/**
 * The options of `run`.
 *
 * @example
 * ```ts
 * import { run, type RunOptions } from 'weft/subprocess';
 * const options: RunOptions = { capture: true, check: true, signal: AbortSignal.timeout(5000) };
 * await run(['make'], options);
 * ```
 */
export interface RunOptions extends RunSyncOptions, PopenOptions {
  /**
   * Abort the run: the child is killed (`SIGKILL`) and reaped, then the call rejects with the
   * signal's reason. An already aborted signal starts nothing.
   */
  signal?: AbortSignal | undefined;
}

const RUN_ONLY_KEYS = ['input', 'capture', 'timeout', 'check'];

/** The keys of {@link RunSyncOptions}. */
export const RUN_SYNC_OPTION_KEYS: readonly string[] = [...PROCESS_OPTION_KEYS, ...RUN_ONLY_KEYS];

/** The keys of {@link RunOptions}. */
export const RUN_OPTION_KEYS: readonly string[] = [...POPEN_OPTION_KEYS, ...RUN_ONLY_KEYS];

/** A run's options, checked: what `run` does itself, and the options of the child. */
export interface RunPlan {
  readonly input: Input | undefined;
  readonly timeout: number | undefined;
  readonly check: boolean;
  readonly signal: AbortSignal | undefined;
  readonly process: ProcessOptions;
}

/** Checks run options against `allowed`, with Python's rules for combining them. */
export function planRun(options: RunOptions | undefined, allowed: readonly string[]): RunPlan {
  const { input, capture, timeout, check, signal, ...process } = checkKeys(options, allowed);
  const plan: RunPlan = {
    input: checkInput(input),
    timeout: checkTimeout(timeout),
    check: check !== undefined && checkBoolean(check, 'check'),
    signal: checkSignal(signal),
    process,
  };
  if (plan.input !== undefined) {
    if (process.stdin != null)
      throw new ValueError('stdin and input may not both be used: input is written to a pipe');
    process.stdin = PIPE;
  }
  if (capture !== undefined && checkBoolean(capture, 'capture')) {
    if (process.stdout != null || process.stderr != null)
      throw new ValueError('stdout and stderr may not be used with capture: it pipes both');
    process.stdout = PIPE;
    process.stderr = PIPE;
  }
  return plan;
}
