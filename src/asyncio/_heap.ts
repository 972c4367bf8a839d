/**
 * A binary min-heap ordered by a compare function (Python's `heapq`).
 * @internal
 */
export class Heap<T> {
  readonly #items: T[] = [];
  readonly #compare: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  get length(): number {
    return this.#items.length;
  }

  /** Adds `item`. Comparing first and moving after, a compare that throws changes nothing. */
  push(item: T): void {
    const items = this.#items;
    let pos = items.length;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (this.#compare(item, items[parent]!) >= 0) break;
      pos = parent;
    }
    let i = items.length;
    items.push(item);
    while (i > pos) {
      const parent = (i - 1) >> 1;
      items[i] = items[parent]!;
      i = parent;
    }
    items[pos] = item;
  }

  pop(): T {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && this.#compare(items[child + 1]!, items[child]!) < 0) child++;
        if (this.#compare(items[child]!, last) >= 0) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
