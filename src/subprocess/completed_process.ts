/** `CompletedProcess`: what `run` returns (Python's `subprocess.CompletedProcess`). */
import { CalledProcessError } from '../errors.js';
import type { Args } from './options.js';

/**
 * A child that has finished, as returned by `run` and `runSync`: the command, its exit
 * status (`-N` when signal `N` killed it) and, when captured, its output (`null` otherwise).
 * `Out` and `Err` are the types of `stdout` and `stderr`: `string` in text mode, `Buffer`
 * otherwise, `null` when not captured (see {@link Captured}).
 *
 * @example
 * ```ts
 * import { run } from 'weft/subprocess';
 * const r = await run(['ls', '-l'], { capture: true, text: true });
 * console.log(r.returncode, r.stdout);
 * r.checkReturncode(); // throws CalledProcessError if it failed
 * ```
 */
export class CompletedProcess<
  Out extends string | Buffer | null = Buffer | null,
  Err extends string | Buffer | null = Out,
> {
  /** The command, as given. */
  readonly args: Args;
  /** The exit status: 0 for success, `-N` for a child killed by signal `N`. */
  readonly returncode: number;
  /** What the child wrote to stdout, or `null` when it was not captured. */
  readonly stdout: Out;
  /** What the child wrote to stderr, or `null` when it was not captured. */
  readonly stderr: Err;

  constructor(
    args: Args,
    returncode: number,
    stdout: Out = null as Out,
    stderr: Err = null as Err,
  ) {
    this.args = args;
    this.returncode = returncode;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Throws {@link CalledProcessError} (with the output) if `returncode` is not 0; returns
   * this object otherwise, so a call can go on: `(await run(...)).checkReturncode().stdout`.
   *
   * @example
   * ```ts
   * const r = await run(['false']);
   * r.checkReturncode(); // CalledProcessError: Command ["false"] returned non-zero exit status 1.
   * ```
   */
  checkReturncode(): this {
    if (this.returncode !== 0)
      throw new CalledProcessError(undefined, {
        returncode: this.returncode,
        cmd: this.args,
        output: this.stdout,
        stderr: this.stderr,
      });
    return this;
  }
}
