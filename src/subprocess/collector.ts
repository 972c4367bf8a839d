/** Collecting everything a child writes to one of its pipes, for `communicate`. */
import type { Readable } from 'node:stream';

/**
 * Reads `stream` to its end, keeping every chunk: strings in text mode (the stream decodes),
 * Buffers otherwise. {@link value} can be read at any moment (what arrived so far,
 * for `TimeoutExpired`); {@link done} settles once the stream has ended or been closed.
 */
export class Collector {
  readonly done: Promise<void>;
  readonly #chunks: (string | Buffer)[] = [];
  readonly #text: boolean;

  constructor(stream: Readable, text: boolean) {
    this.#text = text;
    this.done = new Promise<void>((resolve, reject) => {
      if (stream.readableEnded || stream.destroyed) return resolve();
      stream.on('data', (chunk: string | Buffer) => this.#chunks.push(chunk));
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', reject);
    });
  }

  /** Everything read so far: one string in text mode, one Buffer otherwise. */
  value(): string | Buffer {
    return this.#text ? this.#chunks.join('') : Buffer.concat(this.#chunks as Buffer[]);
  }
}
