/**
 * `getstatusoutput` and `getoutput`: a shell command's exit status and combined output, as
 * text without its last newline (Python's legacy shell helpers), and their `*Sync` twins.
 */
import { checkString } from '../_internal/validate.js';
import { PIPE, STDOUT } from './constants.js';
import { checkKeys } from './options.js';
import { run } from './run.js';
import { runSync } from './run_sync.js';

/**
 * The options of `getstatusoutput` and `getoutput`.
 *
 * @example
 * ```ts
 * import { getoutput, type GetoutputOptions } from 'weft/subprocess';
 * const options: GetoutputOptions = { encoding: 'latin1' };
 * console.log(await getoutput('ls', options));
 * ```
 */
export interface GetoutputOptions {
  /** How the output is decoded (default UTF-8). */
  encoding?: BufferEncoding | undefined;
}

function shellOptions(cmd: unknown, options: GetoutputOptions | undefined) {
  checkString(cmd, 'cmd');
  const { encoding } = checkKeys(options, ['encoding']);
  return { shell: true, text: true, encoding, stdout: PIPE, stderr: STDOUT } as const;
}

function statusOutput(result: { returncode: number; stdout: string }): [number, string] {
  return [result.returncode, result.stdout.replace(/\n$/, '')];
}

/**
 * Runs `cmd` with the shell and resolves to `[exitStatus, output]`: stdout and stderr
 * together, decoded, without the last newline (Python's `subprocess.getstatusoutput`).
 *
 * @example
 * ```ts
 * import { getstatusoutput } from 'weft/subprocess';
 * console.log(await getstatusoutput('ls /nonexistent')); // [2, 'ls: cannot access ...']
 * ```
 */
export async function getstatusoutput(
  cmd: string,
  options?: GetoutputOptions,
): Promise<[number, string]> {
  return statusOutput(await run(cmd, shellOptions(cmd, options)));
}

/**
 * {@link getstatusoutput}, blocking the calling thread (on `spawnSync`).
 *
 * @example
 * ```ts
 * import { getstatusoutputSync } from 'weft/subprocess';
 * const [status, output] = getstatusoutputSync('uname -s');
 * ```
 */
export function getstatusoutputSync(cmd: string, options?: GetoutputOptions): [number, string] {
  return statusOutput(runSync(cmd, shellOptions(cmd, options)));
}

/**
 * Runs `cmd` with the shell and resolves to its output (stdout and stderr, without the last
 * newline), whatever its exit status (Python's `subprocess.getoutput`).
 *
 * @example
 * ```ts
 * import { getoutput } from 'weft/subprocess';
 * console.log(await getoutput('echo hello')); // 'hello'
 * ```
 */
export async function getoutput(cmd: string, options?: GetoutputOptions): Promise<string> {
  return (await getstatusoutput(cmd, options))[1];
}

/**
 * {@link getoutput}, blocking the calling thread (on `spawnSync`).
 *
 * @example
 * ```ts
 * import { getoutputSync } from 'weft/subprocess';
 * console.log(getoutputSync('echo hello')); // 'hello'
 * ```
 */
export function getoutputSync(cmd: string, options?: GetoutputOptions): string {
  return getstatusoutputSync(cmd, options)[1];
}
