/**
 * The framing of `multiprocessing.connection`: every message is a 4-byte big-endian signed
 * length followed by that many bytes. CPython announces a payload over 2 GiB with a length of
 * -1 and an 8-byte length after it; weft never accepts one (every read has a limit far below),
 * so a negative length is read as "too large".
 */

/** The largest length a 4-byte signed header can carry. */
export const MAX_FRAME_LENGTH = 0x7fffffff;

/** A frame's length header was over the limit the reader was given (or negative). */
export class FrameTooLarge extends Error {
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(
      length < 0
        ? `a frame announced a length over 2 GiB (limit ${limit} bytes)`
        : `a frame of ${length} bytes is over the limit of ${limit} bytes`,
    );
  }
}

/** One frame: the header and `payload`, in one buffer (one write, no Nagle delay). */
export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeInt32BE(payload.length, 0);
  frame.set(payload, 4);
  return frame;
}

/**
 * Cuts a byte stream into frames. Chunks are kept as they arrive and joined once per frame,
 * so a large frame arriving in many chunks costs one copy.
 */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Bytes received and not yet returned as frames. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Adds received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /**
   * The next complete frame's payload, or `undefined` if it has not all arrived. Throws
   * {@link FrameTooLarge} as soon as the header announces more than `limit` bytes, before any
   * of the payload is awaited.
   */
  next(limit: number): Buffer | undefined {
    if (this.#buffered < 4) return undefined;
    const length =
      this.#chunks[0]!.length >= 4 ? this.#chunks[0]!.readInt32BE(0) : this.#peekLength();
    const head = this.#chunks[0]!;
    if (length < 0 || length > limit) throw new FrameTooLarge(length, limit);
    const total = 4 + length;
    if (this.#buffered < total) return undefined;
    if (head.length >= total) {
      // The common case: the whole frame is in the first chunk.
      const payload = head.subarray(4, total);
      this.#consume(total, head);
      return payload;
    }
    const joined = Buffer.concat(this.#chunks, this.#buffered);
    const payload = joined.subarray(4, total);
    this.#chunks = [joined];
    this.#consume(total, joined);
    return payload;
  }

  /** Joins the leading chunks so that the first one holds the whole header; reads it. */
  #peekLength(): number {
    let count = 0;
    let bytes = 0;
    while (bytes < 4) bytes += this.#chunks[count++]!.length;
    const head = Buffer.concat(this.#chunks.slice(0, count), bytes);
    this.#chunks.splice(0, count, head);
    return head.readInt32BE(0);
  }

  /** Drops the first `count` bytes, all of which are in `first` (the first chunk). */
  #consume(count: number, first: Buffer): void {
    this.#buffered -= count;
    if (first.length === count) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(count);
  }
}
