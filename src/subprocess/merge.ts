/** One readable stream carrying what a child writes to two pipes (`stderr: STDOUT`). */
import { PassThrough, type Readable } from 'node:stream';

/**
 * Pipes `a` and `b` into one stream that ends when both have closed. Chunks pass through as
 * they are (strings in text mode, Buffers otherwise), in the order they arrive.
 */
export function mergeStreams(a: Readable, b: Readable): Readable {
  const merged = new PassThrough({ objectMode: true });
  let open = 2;
  for (const source of [a, b]) {
    source.pipe(merged, { end: false });
    source.once('error', (err) => merged.destroy(err));
    source.once('close', () => {
      if (--open === 0) merged.end();
    });
  }
  return merged;
}
