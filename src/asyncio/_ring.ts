/**
 * A growable ring buffer: O(1) push at the tail and shift at the head, with no array
 * re-indexing (Python's `collections.deque` for the FIFO queue).
 * @internal
 */
export class Ring<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    const cap = this.#items.length;
    if (this.#length === cap) this.#grow(cap);
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = item;
    this.#length++;
  }

  shift(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#length--;
    return item;
  }

  #grow(cap: number): void {
    const next = new Array<T | undefined>(cap * 2);
    for (let i = 0; i < this.#length; i++) next[i] = this.#items[(this.#head + i) & (cap - 1)];
    this.#items = next;
    this.#head = 0;
  }
}
