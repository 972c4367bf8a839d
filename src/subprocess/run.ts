/** `run`: start a child, feed it, collect its output, wait for it (Python's `subprocess.run`). */
import { TimeoutExpired } from '../errors.js';
import { CompletedProcess } from './completed_process.js';
import type { Args, Captured } from './options.js';
import { type Communicated, Popen } from './popen.js';
import { planRun, RUN_OPTION_KEYS, type RunOptions } from './run_options.js';

/** Kills and reaps a child whose run failed, and closes its pipes; the output so far goes into a timeout. */
async function killAndReap(proc: Popen, err: unknown): Promise<void> {
  proc.kill();
  await proc.wait().catch(() => {});
  await proc[Symbol.asyncDispose]().catch(() => {});
  if (err instanceof TimeoutExpired) {
    const { stdout, stderr } = await proc.communicate();
    err.output = stdout;
    err.stderr = stderr;
  }
}

/**
 * Runs a command and waits for it to finish (Python's `subprocess.run`): `input` is written
 * to its stdin, stdout and stderr are collected when `capture` (or `PIPE`) is asked for, and
 * the result is a {@link CompletedProcess}. Output is a `Buffer`, or a string in text mode
 * (`text: true` or an `encoding`).
 *
 * - `check: true` raises {@link CalledProcessError} (with the output) on a non-zero exit.
 * - `timeout` (ms): the child is killed and reaped, then {@link TimeoutExpired} is raised with
 *   the output captured so far.
 * - `signal`: aborting kills and reaps the child, then rejects with the signal's reason.
 * - A program that does not exist rejects with Node's `ENOENT` error naming it.
 *
 * @example
 * ```ts
 * import { run } from 'weft/subprocess';
 *
 * const r = await run(['git', 'rev-parse', 'HEAD'], { capture: true, text: true, check: true });
 * console.log(r.stdout.trim());
 *
 * const sorted = await run(['sort'], { input: 'b\na\n', capture: true, text: true });
 * console.log(sorted.stdout); // 'a\nb\n'
 * ```
 */
export async function run<const O extends RunOptions = {}>(
  args: Args,
  options?: O,
): Promise<CompletedProcess<Captured<O, 'stdout'>, Captured<O, 'stderr'>>> {
  const { input, timeout, check, signal, process } = planRun(options, RUN_OPTION_KEYS);
  signal?.throwIfAborted();
  const proc = new Popen(args, process);
  let output: Communicated;
  try {
    output = await proc.communicate({ input, timeout, signal });
  } catch (err) {
    await killAndReap(proc, err);
    throw err;
  }
  await proc[Symbol.asyncDispose]();
  const done = new CompletedProcess(
    proc.args,
    proc.returncode!,
    output.stdout as Captured<O, 'stdout'>,
    output.stderr as Captured<O, 'stderr'>,
  );
  return check ? done.checkReturncode() : done;
}
