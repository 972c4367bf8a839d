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

/**
 * What a pool's `stats()` reports (`ThreadPoolExecutor`, `ProcessPoolExecutor`).
 *
 * @example
 * ```ts
 * const s = pool.stats();
 * console.log(`${s.completed} done, ${s.queued} queued, p99 ${s.runTime.p99.toFixed(1)} ms`);
 * ```
 */
export interface PoolStats {
  workers: number;
  busyWorkers: number;
  /** Tasks waiting in the pool's queue (not yet given to a worker). */
  queued: number;
  /** Tasks given to workers and not finished. */
  inflight: number;
  completed: number;
  failed: number;
  /** How long tasks ran, ms. */
  runTime: Percentiles;
  /** How long tasks waited before running, ms. */
  waitTime: Percentiles;
  /** Share of the workers' time spent running tasks since the pool started (0–1). */
  utilization: number;
}

/** The counters behind a pool's {@link PoolStats}, and its recent submit-to-result latency. */
export class PoolCounters {
  readonly #runTimes = new Samples();
  readonly #waitTimes = new Samples();
  readonly #created = performance.now();
  #busyMs = 0;
  completed = 0;
  failed = 0;
  /** Moving average of submit-to-result time, ms (infinite until a task finished). */
  latencyMs = Number.POSITIVE_INFINITY;

  /** A task submitted at `submitted` ran for `runMs` and its result arrived at `now`. */
  ran(submitted: number, runMs: number, now: number): void {
    this.#runTimes.add(runMs);
    this.#waitTimes.add(Math.max(0, now - submitted - runMs));
    this.#busyMs += runMs;
    const latency = now - submitted;
    this.latencyMs =
      this.latencyMs === Number.POSITIVE_INFINITY ? latency : this.latencyMs * 0.9 + latency * 0.1;
  }

  stats(
    workers: number,
    busyWorkers: number,
    queued: number,
    inflight: number,
    maxWorkers: number,
  ): PoolStats {
    const elapsed = performance.now() - this.#created;
    return {
      workers,
      busyWorkers,
      queued,
      inflight,
      completed: this.completed,
      failed: this.failed,
      runTime: this.#runTimes.percentiles(),
      waitTime: this.#waitTimes.percentiles(),
      utilization: Math.min(1, this.#busyMs / (elapsed * Math.max(1, maxWorkers))),
    };
  }
}
