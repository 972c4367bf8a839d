/** From `stdin`/`stdout`/`stderr` options to Node's `stdio` array. */
import { describe } from '../_internal/validate.js';
import { ArgumentTypeError, ValueError } from '../errors.js';
import { DEVNULL, PIPE, STDOUT } from './constants.js';
import type { ProcessOptions } from './options.js';

/** One entry of Node's `stdio` option, as weft uses it. */
type NodeStdio = 'pipe' | 'ignore' | 'inherit' | number;

/** The child's three standard streams, and whether stderr is read into stdout's pipe. */
export interface StdioPlan {
  readonly stdio: [NodeStdio, NodeStdio, NodeStdio];
  /** `stderr: STDOUT` with `stdout: PIPE`: both pipes are read into one stream. */
  readonly mergeStderr: boolean;
}

const EXPECTED =
  'PIPE, DEVNULL, a file descriptor (an integer >= 0), an object with an fd, or null';

function nodeStdio(value: unknown, name: string): NodeStdio {
  if (value === undefined || value === null) return 'inherit';
  if (value === PIPE) return 'pipe';
  if (value === DEVNULL) return 'ignore';
  const fd = typeof value === 'object' ? (value as { fd?: unknown }).fd : value;
  if (typeof fd !== 'number') {
    const hint = typeof value === 'string' ? " (Node's names: use PIPE, DEVNULL or null)" : '';
    throw new ArgumentTypeError(`${name} must be ${EXPECTED}${hint}, got ${describe(value)}`);
  }
  if (Number.isInteger(fd) && fd >= 0) return fd;
  const only = value === STDOUT ? ' (STDOUT is only for stderr)' : '';
  throw new ValueError(`${name} must be ${EXPECTED}${only}, got ${describe(value)}`);
}

/** Checks the three stream options and maps them to Node's `stdio`. */
export function planStdio(options: ProcessOptions): StdioPlan {
  const stdin = nodeStdio(options.stdin, 'stdin');
  const stdout = nodeStdio(options.stdout, 'stdout');
  if (options.stderr !== STDOUT)
    return { stdio: [stdin, stdout, nodeStdio(options.stderr, 'stderr')], mergeStderr: false };
  // The child's stderr goes where its stdout goes: the same descriptor (the parent's fd 1 when
  // inherited), except for a pipe, which Node cannot share between two child descriptors.
  const stderr = stdout === 'inherit' ? 1 : stdout;
  return { stdio: [stdin, stdout, stderr], mergeStderr: stdout === 'pipe' };
}
