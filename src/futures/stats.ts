/**
 * Run and wait time statistics of a pool: the most recent samples, percentiles on demand.
 */

/** Percentiles of a set of durations, in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** A window of the last `size` samples. */
export class Samples {
  readonly #values: Float64Array;
  #count = 0;

  constructor(size = 8192) {
    this.#values = new Float64Array(size);
  }

  add(v: number): void {
    this.#values[this.#count++ % this.#values.length] = v;
  }

  /** Percentiles of the window (zeros when empty). */
  percentiles(): Percentiles {
    const n = Math.min(this.#count, this.#values.length);
    if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    const sorted = this.#values.slice(0, n).sort();
    const at = (p: number): number => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)]!;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i]!;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]!, mean: sum / n };
  }
}
