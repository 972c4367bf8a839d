/** From `args` and `shell` to the program Node spawns and its arguments. */
import { describe, typeError, valueError } from '../_internal/validate.js';
import { ArgumentTypeError, ValueError } from '../errors.js';

/** What to spawn: `file` with `argv`, through Node's own shell handling when `shell` is set. */
export interface Command {
  readonly file: string;
  readonly argv: readonly string[];
  /** Windows only: the shell Node runs `file` with (Node knows `cmd.exe`'s quoting). */
  readonly shell: string | boolean;
}

function checkShell(value: unknown): string | boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') typeError('shell', 'a boolean or the path of a shell', value);
  if (value === '') valueError('shell', 'a boolean or the path of a shell', value);
  return value;
}

function checkArgList(args: readonly unknown[]): string[] {
  if (args.length === 0) valueError('args', 'a non-empty array', args);
  return args.map((arg, i) => {
    if (typeof arg !== 'string') typeError(`args[${i}]`, 'a string', arg);
    if (arg.includes('\0')) valueError(`args[${i}]`, 'a string without NUL bytes', arg);
    return arg;
  });
}

function posixShell(shell: string | true): string {
  if (typeof shell === 'string') return shell;
  return process.platform === 'android' ? '/system/bin/sh' : '/bin/sh';
}

/**
 * Checks `args` and `shell`. Without a shell, `args` must be an array: Python would take a
 * string as the name of the program to run (so `'ls -l'` looks for a program called `ls -l`),
 * which is never what a command line with spaces means, so weft refuses it and says why.
 */
export function resolveCommand(args: unknown, shellOption: unknown): Command {
  const shell = checkShell(shellOption);
  if (typeof args === 'string') {
    if (!shell)
      throw new ArgumentTypeError(
        `args must be an array of strings when shell is not set, got ${describe(args)}: ` +
          `pass [program, ...arguments], or set shell: true to run the string with the shell ` +
          `(Python would take the whole string as the name of the program)`,
      );
  } else if (!Array.isArray(args)) {
    typeError('args', 'an array of strings, or a string with shell: true', args);
  }
  const [program, ...rest] = checkArgList(typeof args === 'string' ? [args] : args);
  if (!shell) return { file: program!, argv: rest, shell: false };
  if (process.platform !== 'win32')
    return { file: posixShell(shell), argv: ['-c', program!, ...rest], shell: false };
  if (rest.length > 0)
    throw new ValueError(
      `args with shell must be one command line on Windows, got ${rest.length + 1} strings`,
    );
  return { file: program!, argv: [], shell };
}
