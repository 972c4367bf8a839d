/**
 * How a call becomes a spawn (`args` and options checked and turned into Node's terms), and
 * how the end of a child becomes Python's `returncode`. Shared by `Popen` and `runSync`.
 */
import type { SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { checkBoolean, typeError, valueError } from '../_internal/validate.js';
import { resolveCommand } from './command.js';
import type { ProcessOptions } from './options.js';
import { planStdio, type StdioPlan } from './stdio.js';

/** A checked request to start a child, in Node's terms. */
export interface Launch {
  readonly file: string;
  readonly argv: readonly string[];
  readonly spawnOptions: SpawnOptions & { stdio: StdioPlan['stdio'] };
  /** stderr is read into the stdout pipe (`stderr: STDOUT` with `stdout: PIPE`). */
  readonly mergeStderr: boolean;
  /** The text-mode encoding, or `undefined` for bytes. */
  readonly encoding: BufferEncoding | undefined;
  /** The working directory as a path, for error messages. */
  readonly cwd: string | undefined;
}

function checkEncoding(options: ProcessOptions): BufferEncoding | undefined {
  const { encoding, text } = options;
  if (encoding !== undefined) {
    if (typeof encoding !== 'string') typeError('encoding', 'an encoding name', encoding);
    if (!Buffer.isEncoding(encoding))
      valueError('encoding', "an encoding Node knows, such as 'utf8'", encoding);
    return encoding;
  }
  return text !== undefined && checkBoolean(text, 'text') ? 'utf8' : undefined;
}

function checkCwd(cwd: unknown): string | undefined {
  if (cwd === undefined || cwd === null) return undefined;
  if (cwd instanceof URL) return fileURLToPath(cwd);
  if (typeof cwd !== 'string') typeError('cwd', 'a path (a string or a file: URL)', cwd);
  return cwd;
}

function checkEnv(env: unknown): Record<string, string> | undefined {
  if (env === undefined || env === null) return undefined;
  if (typeof env !== 'object' || Array.isArray(env)) typeError('env', 'an object of strings', env);
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (typeof value !== 'string') typeError(`env.${key}`, 'a string', value);
    copy[key] = value;
  }
  return copy;
}

/** Checks `args` and the {@link ProcessOptions} of `options`, and plans the spawn. */
export function resolveLaunch(args: unknown, options: ProcessOptions): Launch {
  const command = resolveCommand(args, options.shell);
  const { stdio, mergeStderr } = planStdio(options);
  const cwd = checkCwd(options.cwd);
  const env = checkEnv(options.env);
  const newSession =
    options.startNewSession !== undefined &&
    checkBoolean(options.startNewSession, 'startNewSession');
  return {
    file: command.file,
    argv: command.argv,
    spawnOptions: {
      stdio,
      ...(cwd !== undefined && { cwd }),
      ...(env !== undefined && { env }),
      ...(command.shell !== false && { shell: command.shell }),
      ...(newSession && process.platform !== 'win32' && { detached: true }),
    },
    mergeStderr,
    encoding: checkEncoding(options),
    cwd,
  };
}

/**
 * Node reports a missing working directory as the program missing (`spawn node ENOENT`);
 * Python names the directory. Adds the directory to the message when it is the cause.
 */
export function explainSpawnError(err: Error, launch: Launch): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && launch.cwd !== undefined && !existsSync(launch.cwd))
    err.message += ` (the working directory '${launch.cwd}' does not exist)`;
  return err;
}

/** Python's returncode: the exit status, or `-N` for a child killed by signal `N`. */
export function returncodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return -(signal === null ? 0 : (osConstants.signals[signal] ?? 0));
}
