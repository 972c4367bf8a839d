/**
 * The order of a cross-thread queue: a ring of item offsets, used as a deque (FIFO, stack)
 * or as the array of a binary heap. Positions are logical (0 is the front). The ring is a
 * block of the queue's {@link Records}; when it is full, its entries move, front first, to a
 * block twice as large.
 *
 * Control words (at `base` of the queue's control array):
 *
 * | word | name | meaning and ordering |
 * |---|---|---|
 * | +0 | HEAD | ring index of position 0; plain, under the queue's lock |
 * | +1 | COUNT | positions in use. Written only under the lock, with `Atomics.store`, so that `qsize()`, `empty()`, `full()` and a spinning taker may read it with `Atomics.load` without the lock |
 * | +2 | CAP | the ring's length in entries (a power of two); plain, under the lock |
 * | +3 | RING | offset of the ring's block; plain, under the lock |
 *
 * The ring's entries are plain words, written and read under the lock.
 * @internal
 */
import { RuntimeError } from '../errors.js';
import type { Records } from './_records.js';

const HEAD = 0;
const COUNT = 1;
const CAP = 2;
const RING = 3;
/** Control words the ring takes. */
export const SLOT_WORDS = 4;
const INITIAL_SLOTS = 16;
/** The most items one queue holds at once. */
export const MAX_SLOTS = 2 ** 26;

export class Slots {
  /** The ring in a block of `records`, with its control words at `ctl[base …]`. */
  constructor(
    private readonly records: Records,
    private readonly ctl: Int32Array,
    private readonly base: number,
  ) {}

  /** Allocates the ring of a new, empty queue. */
  init(): void {
    this.ctl[this.base + CAP] = INITIAL_SLOTS;
    this.ctl[this.base + RING] = this.records.allocate(INITIAL_SLOTS * 4);
  }

  /** Positions in use; safe without the lock. */
  get length(): number {
    return Atomics.load(this.ctl, this.base + COUNT);
  }

  #setLength(n: number): void {
    Atomics.store(this.ctl, this.base + COUNT, n);
  }

  /**
   * Index in `records.i32` of the entry at position `i`. It makes the views current: read
   * `records.i32` after calling it.
   */
  #word(i: number): number {
    const ctl = this.ctl;
    const b = this.base;
    return (
      (this.records.bytesOf(ctl[b + RING]!) >> 2) + ((ctl[b + HEAD]! + i) & (ctl[b + CAP]! - 1))
    );
  }

  /** The entry at position `i`. */
  at(i: number): number {
    const w = this.#word(i);
    return this.records.i32[w]!;
  }

  /** Replaces the entry at position `i`. */
  set(i: number, value: number): void {
    const w = this.#word(i);
    this.records.i32[w] = value;
  }

  /** Adds an entry after the last. */
  push(value: number): void {
    const n = this.ctl[this.base + COUNT]!;
    if (n === this.ctl[this.base + CAP]) this.#grow(n);
    const w = this.#word(n);
    this.records.i32[w] = value;
    this.#setLength(n + 1);
  }

  /** Removes and returns the first entry (the ring is not empty). */
  shift(): number {
    const w = this.#word(0);
    const value = this.records.i32[w]!;
    const ctl = this.ctl;
    const b = this.base;
    ctl[b + HEAD] = (ctl[b + HEAD]! + 1) & (ctl[b + CAP]! - 1);
    this.#setLength(ctl[b + COUNT]! - 1);
    return value;
  }

  /** Removes and returns the last entry (the ring is not empty). */
  pop(): number {
    const n = this.ctl[this.base + COUNT]! - 1;
    const w = this.#word(n);
    const value = this.records.i32[w]!;
    this.#setLength(n);
    return value;
  }

  /** Moves the `n` entries, front first, into a new ring twice as large. */
  #grow(n: number): void {
    if (n >= MAX_SLOTS) throw new RuntimeError(`a queue holds at most ${MAX_SLOTS} items`);
    const ctl = this.ctl;
    const b = this.base;
    const ring = this.records.allocate(2 * n * 4); // may grow the buffer, and remake the views
    const to = this.records.bytesOf(ring) >> 2;
    for (let i = 0; i < n; i++) {
      const from = this.#word(i);
      this.records.i32[to + i] = this.records.i32[from]!;
    }
    this.records.free(ctl[b + RING]!);
    ctl[b + RING] = ring;
    ctl[b + HEAD] = 0;
    ctl[b + CAP] = 2 * n;
  }
}
