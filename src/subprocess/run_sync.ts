/** `runSync`: `run` that blocks the calling thread, on `child_process.spawnSync`. */
import { spawnSync } from 'node:child_process';
import { TimeoutExpired } from '../errors.js';
import { CompletedProcess } from './completed_process.js';
import { inputBytes, isBrokenPipe } from './input.js';
import { explainSpawnError, resolveLaunch, returncodeOf } from './launch.js';
import type { Args, Captured } from './options.js';
import { planRun, RUN_SYNC_OPTION_KEYS, type RunSyncOptions } from './run_options.js';

/**
 * Runs a command and blocks the calling thread until it finishes: Python's blocking
 * `subprocess.run`, on `child_process.spawnSync`. Takes the options of `run` but `signal`,
 * with the same results and errors: `check` raises {@link CalledProcessError}; on `timeout`
 * (ms) the child is killed and reaped, and {@link TimeoutExpired} carries the output so far.
 *
 * Meant for scripts and worker threads: on the main thread it stops the event loop while the
 * child runs. With `stderr: STDOUT` and `stdout: PIPE`, the merged output is stdout followed
 * by stderr (`spawnSync` reads the two pipes separately); use `run` to keep them interleaved.
 *
 * @example
 * ```ts
 * import { runSync } from 'weft/subprocess';
 * const r = runSync(['git', 'status', '--short'], { capture: true, text: true, check: true });
 * console.log(r.stdout);
 * ```
 */
export function runSync<const O extends RunSyncOptions = {}>(
  args: Args,
  options?: O,
): CompletedProcess<Captured<O, 'stdout'>, Captured<O, 'stderr'>> {
  const { input, timeout, check, process } = planRun(options, RUN_SYNC_OPTION_KEYS);
  const launch = resolveLaunch(args, process);
  const result = spawnSync(launch.file, launch.argv, {
    ...launch.spawnOptions,
    ...(input !== undefined && { input: inputBytes(input, launch.encoding) }),
    // spawnSync takes whole milliseconds and reads 0 as "no timeout".
    ...(timeout !== undefined && { timeout: Math.max(1, Math.ceil(timeout)) }),
    killSignal: 'SIGKILL',
    maxBuffer: Number.POSITIVE_INFINITY,
  });
  // A child that exits without reading all its input is not an error (see writeInput).
  const error = isBrokenPipe(result.error) ? undefined : result.error;
  if (error && (error as NodeJS.ErrnoException).code !== 'ETIMEDOUT')
    throw explainSpawnError(error, launch);
  const stdout = launch.mergeStderr
    ? Buffer.concat([result.stdout, result.stderr])
    : (result.stdout ?? null);
  const stderr = launch.mergeStderr ? null : (result.stderr ?? null);
  const decode = (b: Buffer | null) => (b && launch.encoding ? b.toString(launch.encoding) : b);
  const cmd = typeof args === 'string' ? args : Object.freeze([...args]);
  if (error)
    throw new TimeoutExpired(undefined, {
      cmd,
      timeout,
      output: decode(stdout),
      stderr: decode(stderr),
    });
  const done = new CompletedProcess(
    cmd,
    returncodeOf(result.status, result.signal),
    decode(stdout) as Captured<O, 'stdout'>,
    decode(stderr) as Captured<O, 'stderr'>,
  );
  return check ? done.checkReturncode() : done;
}
