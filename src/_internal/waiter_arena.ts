/**
 * The waiter arena: one growable `SharedArrayBuffer` per process, carried with the thread
 * registry, from which every `Condition` takes a slot for each thread that waits on it.
 *
 * A condition variable needs one word per waiter (each waiter sleeps on its own word, which is
 * what makes `notify(n)` exact). Giving each Condition a growable buffer of its own cost a
 * memory mapping per Condition — Linux allows about 65 000 per process, and V8 does not count
 * them when deciding to collect garbage — so a program creating Conditions (or queues) in a
 * loop could run out. The arena is one mapping for all of them.
 *
 * Layout (Int32 words): a header, then slot k (k ≥ 1) at `HEADER + 2k`: STATE (the waiter
 * sleeps on it; the owning Condition decides its values) and NEXT (the next slot in a free
 * list or a Condition's waiting list; 0 ends a list).
 *
 * | word | name | meaning and ordering |
 * |---|---|---|
 * | 0 | FREE | free-list head: slot index in the low {@link INDEX_BITS} bits, a tag in the high bits that changes on every push and pop so a stale `compareExchange` fails (the ABA problem). |
 * | 1 | USED | slots ever handed out (`Atomics.add`); slot 0 is never used. |
 * | 2 | GROWING | 1 while a thread grows the buffer (`compareExchange` 0→1, `store` 0). |
 *
 * Each thread keeps a fixed-length view and remakes it when the buffer has grown: V8 reads
 * length-tracking views of growable buffers several times slower.
 */

const FREE = 0;
const USED = 1;
const GROWING = 2;
const HEADER = 8;
const INDEX_BITS = 21;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const TAG_ONE = 1 << INDEX_BITS;
/** The most waiters that can wait at once, over every Condition of the process. */
export const MAX_SLOTS = INDEX_MASK;
const INITIAL_SLOTS = 4096;

function bytesFor(slots: number): number {
  return (HEADER + 2 * slots) * 4;
}

/** A new arena (made once per process, with the registry). */
export function createArena(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(bytesFor(INITIAL_SLOTS), {
    maxByteLength: bytesFor(MAX_SLOTS + 1),
  });
  new Int32Array(sab)[USED] = 1;
  return sab;
}

/** One thread's view of the arena. */
export class WaiterArena {
  #w: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.#w = new Int32Array(buffer, 0, buffer.byteLength / 4);
  }

  /** The words, covering every slot handed out so far (call after {@link alloc} or to read any slot). */
  words(): Int32Array {
    if (this.#w.length * 4 < this.buffer.byteLength)
      this.#w = new Int32Array(this.buffer, 0, this.buffer.byteLength / 4);
    return this.#w;
  }

  /** Index of slot k's STATE word (NEXT is the word after). */
  static state(k: number): number {
    return HEADER + 2 * k;
  }

  /** Takes a free slot (its STATE and NEXT are the caller's until {@link free}). */
  alloc(): number {
    for (;;) {
      const w = this.words();
      const head = Atomics.load(w, FREE);
      const k = head & INDEX_MASK;
      if (k === 0) return this.#fresh();
      const next = Atomics.load(w, HEADER + 2 * k + 1) & INDEX_MASK;
      if (
        Atomics.compareExchange(w, FREE, head, next | ((head & ~INDEX_MASK) + TAG_ONE) | 0) === head
      )
        return k;
    }
  }

  #fresh(): number {
    const k = Atomics.add(this.words(), USED, 1);
    if (k > MAX_SLOTS) {
      Atomics.sub(this.words(), USED, 1);
      throw new RangeError(`more than ${MAX_SLOTS} threads waiting on conditions at once`);
    }
    const need = bytesFor(k + 1);
    while (this.buffer.byteLength < need) {
      const w = this.words();
      if (Atomics.compareExchange(w, GROWING, 0, 1) !== 0) continue;
      try {
        if (this.buffer.byteLength < need) {
          this.buffer.grow(
            Math.min(bytesFor(MAX_SLOTS + 1), Math.max(need, this.buffer.byteLength * 2)),
          );
        }
      } finally {
        Atomics.store(this.words(), GROWING, 0);
      }
    }
    return k;
  }

  /** Gives slot k back. */
  free(k: number): void {
    for (;;) {
      const w = this.words();
      const head = Atomics.load(w, FREE);
      Atomics.store(w, HEADER + 2 * k + 1, head & INDEX_MASK);
      if (Atomics.compareExchange(w, FREE, head, k | ((head & ~INDEX_MASK) + TAG_ONE) | 0) === head)
        return;
    }
  }
}
