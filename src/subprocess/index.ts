/**
 * `weft/subprocess`: Python's `subprocess` on Node's `child_process`. Start a program, feed
 * its stdin, collect its stdout and stderr, wait for it with a timeout, and never leave a
 * child behind: `run` and its shorthands (`call`, `checkCall`, `checkOutput`,
 * `getstatusoutput`, `getoutput`) return Promises, their `*Sync` twins block; `Popen` is one
 * child with its pipes, `communicate`, `wait`, `poll` and signals.
 *
 * Times are milliseconds; output is a `Buffer`, or a string in text mode (`text: true` or an
 * `encoding`); `args` is an array, or a string with `shell: true`. The errors
 * ({@link SubprocessError}, {@link CalledProcessError}, {@link TimeoutExpired}) come from
 * `weft/errors` and are re-exported here, as Python's module does.
 *
 * @example
 * ```ts
 * import { PIPE, Popen, call, run } from 'weft/subprocess';
 *
 * console.log('Exit code:', await call(['ls', '-l']));
 *
 * const r = await run(['sort'], { input: 'b\na\n', capture: true, text: true, check: true });
 * console.log(r.stdout); // 'a\nb\n'
 *
 * await using p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE });
 * const { stdout } = await p.communicate({ input: 'hello', timeout: 1000 });
 * ```
 * @module
 */
export {
  CalledProcessError,
  type CalledProcessErrorOptions,
  type ProcessOutputOptions,
  SubprocessError,
  TimeoutExpired,
  type TimeoutExpiredOptions,
} from '../errors.js';
export {
  type CallOptions,
  type CallSyncOptions,
  type CheckOutputOptions,
  type CheckOutputSyncOptions,
  call,
  callSync,
  checkCall,
  checkCallSync,
  checkOutput,
  checkOutputSync,
} from './call.js';
export { CompletedProcess } from './completed_process.js';
export { DEVNULL, PIPE, STDOUT, type Stdio } from './constants.js';
export {
  type GetoutputOptions,
  getoutput,
  getoutputSync,
  getstatusoutput,
  getstatusoutputSync,
} from './getoutput.js';
export type { Input } from './input.js';
export type { Args, Captured, OutputOf, ProcessOptions } from './options.js';
export { type Communicated, type CommunicateOptions, Popen, type PopenOptions } from './popen.js';
export { run } from './run.js';
export type { RunOptions, RunSyncOptions } from './run_options.js';
export { runSync } from './run_sync.js';
