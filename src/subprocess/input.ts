/** Feeding `input` to a child's stdin, as `communicate` and `run` do. */
import { finished, type Writable } from 'node:stream';
import { typeError } from '../_internal/validate.js';
import { ValueError } from '../errors.js';

/**
 * What `input` accepts: text (encoded as UTF-8, or the `encoding` in text mode), or bytes in
 * any `ArrayBufferView` (a `Buffer`, a `Uint8Array`).
 *
 * @example
 * ```ts
 * import { run, type Input } from 'weft/subprocess';
 * const lines: Input = 'b\na\n';
 * const bytes: Input = new Uint8Array([0x62, 0x0a, 0x61, 0x0a]);
 * await run(['sort'], { input: lines });
 * await run(['sort'], { input: bytes });
 * ```
 */
export type Input = string | ArrayBufferView;

/** Checks an optional `input`. */
export function checkInput(value: unknown): Input | undefined {
  if (value === undefined || typeof value === 'string' || ArrayBuffer.isView(value)) return value;
  return typeError('input', 'a string or a Buffer', value);
}

/** `input` as bytes: strings in `encoding` (UTF-8 by default). */
export function inputBytes(input: Input, encoding: BufferEncoding | undefined): Buffer {
  if (typeof input === 'string') return Buffer.from(input, encoding ?? 'utf8');
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * The errors of writing to a child that has stopped reading: Python's `communicate` ignores
 * them (`BrokenPipeError`), since the child's exit status tells what happened.
 */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'EPIPE' ||
    code === 'ECONNRESET' ||
    code === 'EOF' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    code === 'ERR_STREAM_DESTROYED'
  );
}

/** Writes `input` (if any) to `stdin` and closes it; settles once done or the pipe broke. */
export function writeInput(
  stdin: Writable | null,
  input: Input | undefined,
  encoding: BufferEncoding | undefined,
): Promise<void> {
  if (stdin === null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (stdin.writableFinished || stdin.destroyed) return resolve();
    finished(stdin, (err) => (err && !isBrokenPipe(err) ? reject(err) : resolve()));
    if (!stdin.writableEnded)
      stdin.end(input === undefined ? undefined : inputBytes(input, encoding));
    else if (input !== undefined) reject(new ValueError('input cannot be sent: stdin is closed'));
  });
}
