/** The options every way of starting a child takes, and the type of what it returns. */
import { checkOptions } from '../_internal/validate.js';
import type { PIPE, STDOUT, Stdio } from './constants.js';

/**
 * The command: an array `[program, ...arguments]` run directly (no shell), or, with
 * `shell: true`, a string run by the shell (`/bin/sh -c`).
 *
 * @example
 * ```ts
 * import { run, type Args } from 'weft/subprocess';
 * const direct: Args = ['ls', '-l', '/tmp'];
 * const viaShell: Args = 'ls -l /tmp | wc -l';
 * await run(direct);
 * await run(viaShell, { shell: true });
 * ```
 */
export type Args = readonly string[] | string;

/**
 * How a child is started, shared by `Popen`, `run`, `runSync` and their wrappers (Python's
 * `Popen` keyword arguments).
 *
 * @example
 * ```ts
 * import { PIPE, run, type ProcessOptions } from 'weft/subprocess';
 * const where: ProcessOptions = { cwd: '/tmp', env: { ...process.env, LANG: 'C' } };
 * await run(['ls'], { ...where, stdout: PIPE, text: true });
 * ```
 */
export interface ProcessOptions {
  /** The child's stdin: `PIPE`, `DEVNULL`, a file descriptor, or inherited (default). */
  stdin?: Stdio | undefined;
  /** The child's stdout: `PIPE`, `DEVNULL`, a file descriptor, or inherited (default). */
  stdout?: Stdio | undefined;
  /** The child's stderr: as `stdout`, or `STDOUT` to send it wherever stdout goes. */
  stderr?: Stdio | typeof STDOUT | undefined;
  /** The working directory of the child (default: the parent's). */
  cwd?: string | URL | undefined;
  /** The child's whole environment (default: the parent's). Entries set to `undefined` are left out. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Run `args` through a shell: `true` for `/bin/sh` (`cmd.exe` on Windows), or the shell's
   * path. `args` is then the command line; an array's first element is the command line and
   * the rest become `$0`, `$1`, … (POSIX, as Python).
   */
  shell?: boolean | string | undefined;
  /** Text mode: decode output and encode input as UTF-8 (Python's `text`/`universal_newlines`). */
  text?: boolean | undefined;
  /** Text mode with this encoding (implies `text`). */
  encoding?: BufferEncoding | undefined;
  /** Start the child in a new session (POSIX `setsid`), so it has its own process group. */
  startNewSession?: boolean | undefined;
}

/**
 * The type of captured output for options `O`: `string` in text mode (`text: true` or an
 * `encoding`), `Buffer` otherwise, `string | Buffer` when the options are not known until run
 * time.
 *
 * @example
 * ```ts
 * import type { OutputOf } from 'weft/subprocess';
 * const s: OutputOf<{ text: true }> = 'decoded';
 * const b: OutputOf<{}> = Buffer.from('raw bytes');
 * ```
 */
export type OutputOf<O> =
  Prop<O, 'text'> extends true
    ? string
    : Prop<O, 'encoding'> extends undefined
      ? Prop<O, 'text'> extends false | undefined
        ? Buffer
        : string | Buffer
      : Prop<O, 'encoding'> extends BufferEncoding
        ? string
        : string | Buffer;

/** The type of option `K` in `O`, `undefined` when `O` has no such key. */
type Prop<O, K extends string> = K extends keyof O ? O[K] : undefined;

/** The keys of {@link ProcessOptions}. */
export const PROCESS_OPTION_KEYS = [
  'stdin',
  'stdout',
  'stderr',
  'cwd',
  'env',
  'shell',
  'text',
  'encoding',
  'startNewSession',
] as const;

/** Python's spellings that are not weft's, named in the error when used. */
const PYTHON_NAMES: Readonly<Record<string, string>> = {
  captureOutput: 'capture',
  capture_output: 'capture',
  universalNewlines: 'text',
  universal_newlines: 'text',
  start_new_session: 'startNewSession',
};

/** Checks that every key of `options` is one of `allowed`, naming weft's name for Python's. */
export function checkKeys<T extends object>(
  options: T | undefined,
  allowed: readonly string[],
): Partial<T> {
  return checkOptions(options, 'options', allowed, PYTHON_NAMES);
}

/**
 * The type of one captured stream (`K` is `'stdout'` or `'stderr'`) for options `O`:
 * {@link OutputOf} when the options pipe it (`capture: true`, or `PIPE`), `null` when they
 * do not, and either when that is only known at run time.
 *
 * @example
 * ```ts
 * import type { Captured, PIPE } from 'weft/subprocess';
 * const out: Captured<{ capture: true; text: true }, 'stdout'> = 'always a string';
 * const err: Captured<{ stdout: typeof PIPE }, 'stderr'> = null;
 * ```
 */
export type Captured<O, K extends 'stdout' | 'stderr'> =
  Prop<O, 'capture'> extends true
    ? OutputOf<O>
    : Prop<O, K> extends typeof PIPE
      ? OutputOf<O>
      : typeof PIPE extends Prop<O, K>
        ? OutputOf<O> | null
        : Prop<O, 'capture'> extends false | undefined
          ? null
          : OutputOf<O> | null;
