/**
 * A single-producer, single-consumer ring of variable-length records in shared memory: how
 * a pool sends tasks to one worker, and how the worker sends results back, without a message
 * per task.
 *
 * Layout: a header of {@link RING_HEADER_WORDS} Int32 words, then `capacity` bytes of data
 * (a power of two).
 *
 * | word | name | meaning and ordering |
 * |---|---|---|
 * | 0 | HEAD | bytes ever written. Only the producer writes it, with `Atomics.store` after the records' bytes (a release: the consumer that loads HEAD sees them). The consumer sleeps on it. |
 * | 1 | TAIL | bytes ever consumed. Only the consumer writes it, with `Atomics.store` after it has copied the records out (a release: the producer that loads TAIL may overwrite them). |
 * | 2 | WAITING | 1 while the consumer sleeps (or is about to) on HEAD: set with `Atomics.store` *before* its last look at HEAD, so a producer that publishes after that look sees WAITING and notifies. |
 *
 * HEAD and TAIL are 32-bit counters that wrap; their difference is the bytes in use. A record
 * is a 4-byte length then the payload, padded to 8 bytes; it never wraps around the end —
 * a length of -1 means "skip to the start". The producer also skips to the start when the
 * ring is empty and it is well into it, so that a ring emptied between bursts keeps using
 * the same memory.
 */

/** Words of the ring's header. */
export const RING_HEADER_WORDS = 4;
const HEAD = 0;
const TAIL = 1;
const WAITING = 2;
const SKIP = -1;
/** An empty ring whose next record would go this far in or more starts again at the beginning. */
const REWIND_AT = 64 * 1024;

/** Bytes a ring of `capacity` data bytes needs. */
export function ringBytes(capacity: number): number {
  return RING_HEADER_WORDS * 4 + capacity;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** One side's view of a ring: both sides construct it on the same buffer and offset. */
export class Ring {
  readonly words: Int32Array;
  readonly data: Buffer;
  readonly capacity: number;
  readonly #mask: number;
  /** Producer: bytes written but not yet published. Consumer: bytes read but not yet released. */
  #cursor: number;

  constructor(buffer: SharedArrayBuffer, byteOffset: number, capacity: number) {
    if (capacity & (capacity - 1)) throw new RangeError('ring capacity must be a power of two');
    this.words = new Int32Array(buffer, byteOffset, RING_HEADER_WORDS);
    this.data = Buffer.from(buffer, byteOffset + RING_HEADER_WORDS * 4, capacity);
    this.capacity = capacity;
    this.#mask = capacity - 1;
    this.#cursor = 0;
  }

  /** Producer: call once before writing (picks up where the ring is). */
  attachProducer(): void {
    this.#cursor = Atomics.load(this.words, HEAD);
  }

  /** Consumer: call once before reading. */
  attachConsumer(): void {
    this.#cursor = Atomics.load(this.words, TAIL);
  }

  /**
   * Producer: reserves room for a record of `len` payload bytes and returns the offset in
   * `data` where the payload goes, or -1 if the ring is too full. Call {@link publish} to
   * make written records visible.
   */
  reserve(len: number): number {
    const need = align8(4 + len);
    if (need > this.capacity) return -1;
    const tail = Atomics.load(this.words, TAIL);
    let head = this.#cursor;
    let at = head & this.#mask;
    // Everything written was consumed: start again from the beginning, whose memory is in
    // use (in cache, and not fresh pages the system must first map) rather than go on into
    // the rest of the ring.
    const rewind = tail === head && at >= REWIND_AT && need <= at;
    const pad = rewind || at + need > this.capacity ? this.capacity - at : 0;
    if (((head - tail) | 0) + pad + need > this.capacity) return -1;
    if (pad) {
      this.data.writeInt32LE(SKIP, at);
      head = (head + pad) | 0;
      at = 0;
    }
    this.data.writeInt32LE(len, at);
    this.#cursor = (head + need) | 0;
    return at + 4;
  }

  /** Producer: makes every reserved record visible; returns true if the consumer sleeps. */
  publish(): boolean {
    Atomics.store(this.words, HEAD, this.#cursor);
    return Atomics.load(this.words, WAITING) === 1;
  }

  /** Producer: the value of HEAD the consumer waits on (for `Atomics.notify`). */
  get headIndex(): number {
    return HEAD;
  }

  /**
   * Consumer: the next record as `[offset, length]` of its payload in `data`, or undefined
   * if none is published. The record stays valid until {@link release}.
   */
  next(): number {
    const head = Atomics.load(this.words, HEAD);
    for (;;) {
      if (this.#cursor === head) return -1;
      const at = this.#cursor & this.#mask;
      const len = this.data.readInt32LE(at);
      if (len === SKIP) {
        this.#cursor = (this.#cursor + (this.capacity - at)) | 0;
        continue;
      }
      this.lastLength = len;
      this.#cursor = (this.#cursor + align8(4 + len)) | 0;
      return at + 4;
    }
  }

  /** Length of the payload {@link next} returned last. */
  lastLength = 0;

  /** Consumer: gives the space of every record read so far back to the producer. */
  release(): void {
    Atomics.store(this.words, TAIL, this.#cursor);
  }

  /** Consumer: true if nothing is published beyond what was read. */
  empty(): boolean {
    return Atomics.load(this.words, HEAD) === this.#cursor;
  }

  /**
   * Consumer: declares it is about to sleep; returns the HEAD value to wait on, or undefined
   * if records arrived meanwhile (then it must not sleep).
   */
  prepareWait(): number | undefined {
    Atomics.store(this.words, WAITING, 1);
    const head = Atomics.load(this.words, HEAD);
    if (head !== this.#cursor) {
      Atomics.store(this.words, WAITING, 0);
      return undefined;
    }
    return head;
  }

  /** Consumer: no longer sleeping. */
  doneWaiting(): void {
    Atomics.store(this.words, WAITING, 0);
  }

  /** Records published but not yet consumed, as bytes (for diagnostics). */
  pendingBytes(): number {
    return (Atomics.load(this.words, HEAD) - Atomics.load(this.words, TAIL)) | 0;
  }
}
