/**
 * The special values of `stdin`, `stdout` and `stderr`, with Python's numbers (`PIPE == -1`,
 * `STDOUT == -2`, `DEVNULL == -3`), so they never collide with a file descriptor.
 */

/**
 * Connect the stream to a new pipe: the child's output is captured (or `Popen.stdout` can be
 * read), its input can be written (Python's `subprocess.PIPE`).
 *
 * @example
 * ```ts
 * import { PIPE, run } from 'weft/subprocess';
 * const r = await run(['ls'], { stdout: PIPE, text: true });
 * console.log(r.stdout);
 * ```
 */
export const PIPE = -1;

/**
 * For `stderr` only: send the child's stderr wherever its stdout goes (Python's
 * `subprocess.STDOUT`). With a file descriptor or an inherited stdout the two share one
 * descriptor, exactly as in Python; with `stdout: PIPE` weft reads both pipes into one stream,
 * so bytes written to the two within the same moment may arrive in either order.
 *
 * @example
 * ```ts
 * import { STDOUT, checkOutput } from 'weft/subprocess';
 * const all = await checkOutput(['make'], { stderr: STDOUT, text: true });
 * ```
 */
export const STDOUT = -2;

/**
 * Connect the stream to the null device: input reads as empty, output is discarded (Python's
 * `subprocess.DEVNULL`).
 *
 * @example
 * ```ts
 * import { DEVNULL, call } from 'weft/subprocess';
 * const code = await call(['grep', '-q', 'x', 'file.txt'], { stdout: DEVNULL, stderr: DEVNULL });
 * ```
 */
export const DEVNULL = -3;

/**
 * Where a child's stdin, stdout or stderr goes: {@link PIPE}, {@link DEVNULL}, an open file
 * descriptor (a non-negative integer) or an object holding one (a `FileHandle` from
 * `fs.promises.open`, `process.stdout`), or `null`/`undefined` to inherit the parent's (Python's
 * `None`). `stderr` also takes {@link STDOUT}.
 *
 * @example
 * ```ts
 * import { open } from 'node:fs/promises';
 * import { call, type Stdio } from 'weft/subprocess';
 * await using log = await open('build.log', 'w');
 * const where: Stdio = log;
 * await call(['make'], { stdout: where });
 * ```
 */
export type Stdio = typeof PIPE | typeof DEVNULL | number | { readonly fd: number } | null;
