/**
 * The records a process pool and its children exchange over the pipe between them (the
 * child's file descriptor 4), framed as `[u32 length][u8 kind][body]`. Values inside records
 * are written with the wire codec (`_internal/wire.ts`). Many records travel in one write: a
 * pool writes what it dispatched during a tick at once, a child what it finished since its
 * last write.
 *
 * | kind | from | body |
 * |---|---|---|
 * | TASK | pool | u32 slot, u32 function id, u8 flags, f64 timeout (F_TIMEOUT), string task reference (F_DEFINE), args |
 * | ABORT | pool | u32 slot, reason (an error's wire form) |
 * | RESULT | child | u32 slot, u8 status, f32 run ms, value |
 * | START | child | u32 slot (for tasks flagged F_NOTIFY) |
 * | INIT_ERROR | child | the initializer's error (then the child exits) |
 */
import type { WireWriter } from '../_internal/wire.js';

export const K_TASK = 1;
export const K_ABORT = 2;
export const K_RESULT = 3;
export const K_START = 4;
export const K_INIT_ERROR = 5;

/** Task flag: the child reports the task's start (it has a timeout or a signal). */
export const F_NOTIFY = 32;

/** Starts a record of `kind` in `w`; returns where it starts, for {@link endFrame}. */
export function beginFrame(w: WireWriter, kind: number): number {
  w.ensure(5);
  const at = w.pos;
  w.buf[at + 4] = kind;
  w.pos = at + 5;
  return at;
}

/** Closes the record begun at `at` (writes its length). */
export function endFrame(w: WireWriter, at: number): void {
  w.buf.writeUInt32LE(w.pos - at - 4, at);
}

/** Appends a double. */
export function writeF64(w: WireWriter, v: number): void {
  w.ensure(8);
  w.buf.writeDoubleLE(v, w.pos);
  w.pos += 8;
}

/** Appends a float (run times). */
export function writeF32(w: WireWriter, v: number): void {
  w.ensure(4);
  w.buf.writeFloatLE(v, w.pos);
  w.pos += 4;
}

/** The bytes written so far, copied (the writer is reused), and the writer emptied. */
export function takeBytes(w: WireWriter): Buffer {
  const bytes = Buffer.from(w.buf.subarray(0, w.pos));
  w.reset();
  return bytes;
}

/**
 * Cuts a byte stream into records. Chunks are kept until a record is whole; a large record
 * is joined once, when its last byte arrives.
 */
export class FrameReader {
  #chunks: Buffer[] = [];
  #have = 0;
  #need = 0;

  /** Feeds a chunk; calls `onFrame(buf, start, end)` for each whole record (`buf[start]` is its kind). */
  push(chunk: Buffer, onFrame: (buf: Buffer, start: number, end: number) => void): void {
    let buf = chunk;
    if (this.#chunks.length) {
      this.#chunks.push(chunk);
      this.#have += chunk.length;
      if (this.#have < this.#need) return;
      buf = Buffer.concat(this.#chunks, this.#have);
      this.#chunks = [];
      this.#have = 0;
    }
    let off = 0;
    while (buf.length - off >= 4) {
      const len = buf.readUInt32LE(off);
      if (buf.length - off - 4 < len) break;
      onFrame(buf, off + 4, off + 4 + len);
      off += 4 + len;
    }
    if (off < buf.length) {
      const rest = buf.subarray(off);
      this.#chunks.push(rest);
      this.#have = rest.length;
      this.#need = rest.length >= 4 ? 4 + rest.readUInt32LE(0) : 4;
    }
  }
}
