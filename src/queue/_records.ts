/**
 * The storage of a cross-thread queue: one growable `SharedArrayBuffer` of blocks, allocated
 * and freed in any order. A block holds one serialized item (a FIFO frees the oldest, a stack
 * the newest, a heap any), or the ring of {@link Slots} that orders them.
 *
 * Blocks come in power-of-two sizes from 16 bytes; a block is `[uint32 length][bytes…]`, and
 * a free block's first word links the free list of its size. Freed blocks are reused for
 * blocks of the same size class; the buffer only grows (doubling, up to {@link MAX_BYTES}).
 *
 * Every word here, in the buffer and in the control words, is read and written with plain
 * accesses by the thread holding the queue's lock: the lock's acquire and release order them.
 * The views are fixed-length (V8 reads length-tracking views of a growable buffer several
 * times slower): a thread that finds SIZE changed, because another grew the buffer, makes
 * new ones before touching a block.
 *
 * Control words (at `base` of the queue's control array):
 *
 * | word | name | meaning |
 * |---|---|---|
 * | +0 | TOP | the first byte never allocated |
 * | +1 | SIZE | the buffer's length, written by the thread that grew it |
 * | +2 + k | FREE[k] | offset of the first free block of 16 << k bytes (0: none) |
 * @internal
 */
import { RuntimeError } from '../errors.js';
import type { ByteView } from './_codec.js';

const TOP = 0;
const SIZE = 1;
const FREE = 2;
const MIN_SHIFT = 4;
/** The most bytes one queue's storage may take. */
export const MAX_BYTES = 2 ** 30;
const CLASSES = Math.log2(MAX_BYTES) - MIN_SHIFT + 1;
/** Control words the records take. */
export const RECORD_WORDS = FREE + CLASSES;
/** Offset 0 is never a block, so that 0 can end a free list. */
const FIRST = 16;
const INITIAL_BYTES = 4096;

/** A new buffer for a queue's storage. */
export function newRecordBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(INITIAL_BYTES, { maxByteLength: MAX_BYTES });
}

function exhausted(): never {
  throw new RuntimeError(`queue storage exhausted: its items would take over ${MAX_BYTES} bytes`);
}

function sizeClass(bytes: number): number {
  return 32 - Math.clz32((bytes - 1) >> MIN_SHIFT);
}

export class Records implements ByteView {
  u8: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(new ArrayBuffer(0));
  /** The buffer as 32-bit words (a ring's entries are read through it). */
  i32: Int32Array = new Int32Array(0);

  /** The storage in `buffer`, with its control words at `ctl[base …]`. */
  constructor(
    private readonly buffer: SharedArrayBuffer,
    private readonly ctl: Int32Array,
    private readonly base: number,
  ) {}

  /** Writes the control words of new, empty storage. */
  init(): void {
    this.ctl[this.base + TOP] = FIRST;
    this.ctl[this.base + SIZE] = this.buffer.byteLength;
  }

  /** Makes the views cover the buffer as the last thread to grow it left it. */
  sync(): void {
    const size = this.ctl[this.base + SIZE]!;
    if (this.u8.length === size) return;
    this.u8 = new Uint8Array(this.buffer, 0, size);
    this.dv = new DataView(this.buffer, 0, size);
    this.i32 = new Int32Array(this.buffer, 0, size >> 2);
  }

  /** A block for `n` bytes; returns its offset (its bytes begin 4 later). */
  allocate(n: number): number {
    this.sync();
    const ctl = this.ctl;
    const k = sizeClass(n + 4);
    if (k >= CLASSES) exhausted();
    let at = ctl[this.base + FREE + k]!;
    if (at !== 0) ctl[this.base + FREE + k] = this.i32[at >> 2]!;
    else {
      at = ctl[this.base + TOP]!;
      const end = at + (1 << (k + MIN_SHIFT));
      if (end > this.u8.length) this.#grow(end);
      ctl[this.base + TOP] = end;
    }
    this.i32[at >> 2] = n;
    return at;
  }

  /** Stores `n` bytes of `src` (an item's bytes) in a new block; returns its offset. */
  store(src: Uint8Array, n: number): number {
    const at = this.allocate(n);
    const u8 = this.u8;
    if (n <= 32) for (let i = 0; i < n; i++) u8[at + 4 + i] = src[i]!;
    else u8.set(src.subarray(0, n), at + 4);
    return at;
  }

  /** Where the bytes of the block at `at` begin, in {@link u8}, {@link dv} and {@link i32} (×4). */
  bytesOf(at: number): number {
    this.sync();
    return at + 4;
  }

  /** Frees the block at `at`. */
  free(at: number): void {
    this.sync();
    const k = sizeClass(this.i32[at >> 2]! + 4);
    this.i32[at >> 2] = this.ctl[this.base + FREE + k]!;
    this.ctl[this.base + FREE + k] = at;
  }

  #grow(end: number): void {
    if (end > MAX_BYTES) exhausted();
    let size = this.buffer.byteLength * 2;
    while (size < end) size *= 2;
    this.buffer.grow(Math.min(size, MAX_BYTES));
    this.ctl[this.base + SIZE] = this.buffer.byteLength;
    this.sync();
  }
}
