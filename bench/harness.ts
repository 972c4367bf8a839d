/**
 * The benchmark contract. A suite is a module under `bench/suites/` whose default export is
 * a {@link Suite}: a list of cases, each measured for several implementations ("weft", an
 * anchor named by its npm package, "cpython", or "baseline-<what>").
 *
 * The runner (`bench/run.ts`) measures every implementation of a case in a fresh process of
 * its own, several rounds, and reports the median with min and max. Case ids, units and
 * implementation names are a contract: results are compared across runs by them.
 */

/** Units are fixed per case. Rates are higher-is-better; times are lower-is-better. */
export type Unit = 'ops/s' | 'tasks/s' | 'items/s' | 'us' | 'ms' | 's' | 'x' | 'MB';

/** Whether a larger value is better for a unit. */
export function higherIsBetter(unit: Unit): boolean {
  return unit === 'ops/s' || unit === 'tasks/s' || unit === 'items/s' || unit === 'x';
}

/** What an implementation receives. */
export interface BenchContext {
  /** `--quick`: fewer rounds; implementations may also shrink their workload. */
  quick: boolean;
  /** The round number, from 0; the warm-up round is -1. */
  round: number;
}

/** One way of running a case: returns the measured value in the case's unit. */
export type RunFn = (ctx: BenchContext) => Promise<number> | number;

/** An implementation with state kept across the rounds of one process. */
export interface StatefulImpl<S> {
  setup(ctx: BenchContext): Promise<S> | S;
  run(state: S, ctx: BenchContext): Promise<number> | number;
  teardown?(state: S): Promise<void> | void;
}

/**
 * A CPython implementation: a script under `bench/python/` that prints one JSON line
 * `{"values": [..]}` with one measured value per round (`--rounds N` and `--quick` are passed).
 */
export interface PythonImpl {
  python: string;
  args?: string[];
}

export type Impl = RunFn | StatefulImpl<any> | PythonImpl;

export interface BenchCase {
  /** Stable id, such as `lock-uncontended`. */
  id: string;
  unit: Unit;
  /** One line: what is measured. */
  title: string;
  /** The goal, as stated in the issue that added the case (shown in the report). */
  goal?: string;
  /** Rounds measured in a full run (default 5) and in a quick one (default 1). */
  rounds?: number;
  quickRounds?: number;
  /**
   * `false`: no warm-up round in a quick run, for whole programs too slow to run twice there
   * (their first round then includes what a warm-up would have paid).
   */
  quickWarmup?: boolean;
  /** Implementations by name: `weft`, an npm package name, `cpython`, `baseline-<what>`. */
  impls: Record<string, Impl>;
}

export interface Suite {
  name: string;
  cases: BenchCase[];
}

/** Identity function that types a suite definition. */
export function defineSuite(name: string, cases: BenchCase[]): Suite {
  return { name, cases };
}

/** `ops / seconds` with the time taken by `fn` (which performs `ops` operations). */
export async function rate(ops: number, fn: () => Promise<void> | void): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  const ns = Number(process.hrtime.bigint() - t0);
  return ops / (ns / 1e9);
}

/** The time `fn` takes, in the given unit. */
export async function time(
  unit: 'us' | 'ms' | 's',
  fn: () => Promise<void> | void,
): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  const ns = Number(process.hrtime.bigint() - t0);
  return unit === 'us' ? ns / 1e3 : unit === 'ms' ? ns / 1e6 : ns / 1e9;
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile (0..100) of a list of numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}
