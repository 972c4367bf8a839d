/**
 * The order of a cross-thread queue: a ring of record offsets in a growable
 * `SharedArrayBuffer`, used as a deque (FIFO, stack) or as the array of a binary heap.
 * Positions are logical (0 is the front); the ring doubles when full.
 *
 * Control words (at `base` of the queue's control array):
 *
 * | word | name | meaning and ordering |
 * |---|---|---|
 * | +0 | HEAD | ring index of position 0; plain, under the queue's lock |
 * | +1 | COUNT | positions in use. Written only under the lock, with `Atomics.store`, so that `qsize()`, `empty()`, `full()` and a spinning taker may read it with `Atomics.load` without the lock |
 * | +2 | CAP | the ring's length in entries (a power of two); plain, under the lock, written by the thread that grew it |
 *
 * The ring's entries are plain words written and read under the lock, through a fixed-length
 * view that a thread remakes when it finds CAP changed (V8 reads length-tracking views of a
 * growable buffer several times slower).
 * @internal
 */
import { RuntimeError } from '../errors.js';

const HEAD = 0;
const COUNT = 1;
const CAP = 2;
/** Control words the ring takes. */
export const SLOT_WORDS = 3;
const INITIAL_SLOTS = 16;
/** The most items one queue holds at once. */
export const MAX_SLOTS = 2 ** 28;

/** A new buffer for a ring. */
export function newSlotBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(INITIAL_SLOTS * 4, { maxByteLength: MAX_SLOTS * 4 });
}

export class Slots {
  #ring: Int32Array = new Int32Array(0);

  /** The ring in `buffer`, with its control words at `ctl[base …]`. */
  constructor(
    private readonly buffer: SharedArrayBuffer,
    private readonly ctl: Int32Array,
    private readonly base: number,
  ) {}

  /** Writes the control words of a new, empty ring. */
  init(): void {
    this.ctl[this.base + CAP] = this.buffer.byteLength >> 2;
  }

  /** Positions in use; safe without the lock. */
  get length(): number {
    return Atomics.load(this.ctl, this.base + COUNT);
  }

  #setLength(n: number): void {
    Atomics.store(this.ctl, this.base + COUNT, n);
  }

  /** The ring as the last thread to grow it left it. */
  #entries(): Int32Array {
    const cap = this.ctl[this.base + CAP]!;
    if (this.#ring.length !== cap) this.#ring = new Int32Array(this.buffer, 0, cap);
    return this.#ring;
  }

  #index(i: number): number {
    return (this.ctl[this.base + HEAD]! + i) & (this.ctl[this.base + CAP]! - 1);
  }

  /** The entry at position `i`. */
  at(i: number): number {
    return this.#entries()[this.#index(i)]!;
  }

  /** Replaces the entry at position `i`. */
  set(i: number, value: number): void {
    this.#entries()[this.#index(i)] = value;
  }

  /** Adds an entry after the last. */
  push(value: number): void {
    const n = this.ctl[this.base + COUNT]!;
    if (n === this.ctl[this.base + CAP]) this.#grow(n);
    this.#entries()[this.#index(n)] = value;
    this.#setLength(n + 1);
  }

  /** Removes and returns the first entry (the ring is not empty). */
  shift(): number {
    const h = this.ctl[this.base + HEAD]!;
    const value = this.#entries()[h]!;
    this.ctl[this.base + HEAD] = (h + 1) & (this.ctl[this.base + CAP]! - 1);
    this.#setLength(this.ctl[this.base + COUNT]! - 1);
    return value;
  }

  /** Removes and returns the last entry (the ring is not empty). */
  pop(): number {
    const n = this.ctl[this.base + COUNT]! - 1;
    const value = this.#entries()[this.#index(n)]!;
    this.#setLength(n);
    return value;
  }

  /** Doubles the ring; entries that wrapped around move past the old end, keeping their order. */
  #grow(n: number): void {
    if (n >= MAX_SLOTS) throw new RuntimeError(`a queue holds at most ${MAX_SLOTS} items`);
    this.buffer.grow(2 * n * 4);
    this.ctl[this.base + CAP] = 2 * n;
    // Full, the entries run from HEAD to the old end, then from 0 to HEAD: move the second
    // part to the old end, and they run on from HEAD in the doubled ring.
    this.#entries().copyWithin(n, 0, this.ctl[this.base + HEAD]!);
  }
}
