/**
 * Thread pools: weft's ThreadPoolExecutor against piscina, tinypool, workerpool, poolifier
 * and CPython's concurrent.futures / multiprocessing.Pool, on the same workloads.
 *
 * Each implementation builds its pool in `setup` (outside the measured rounds) except
 * `startup-8`, which measures building one. Pools are told to use exactly the stated number
 * of workers.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { FixedThreadPool } from 'poolifier';
import Tinypool from 'tinypool';
import { ThreadPoolExecutor } from 'weft/futures';
import workerpool from 'workerpool';
import { cpu, noop } from '../anchors/tasks.js';
import {
  type BenchCase,
  type BenchContext,
  defineSuite,
  percentile,
  type StatefulImpl,
} from '../harness.js';

const anchorFile = (name: string): string =>
  fileURLToPath(new URL(`../anchors/${name}.js`, import.meta.url));

/** What every pool offers the benchmark. */
interface BenchPool {
  run(name: 'noop' | 'cpu', arg: number): Promise<unknown>;
  close(): Promise<unknown>;
}

type PoolFactory = (workers: number) => Promise<BenchPool> | BenchPool;

const pools: Record<string, PoolFactory> = {
  weft: (workers) => {
    const pool = new ThreadPoolExecutor({ maxWorkers: workers });
    const fns = { noop, cpu };
    return {
      run: (name, arg) => pool.submit(fns[name] as (x: number) => unknown, arg),
      close: () => pool.shutdown(),
    };
  },
  piscina: (workers) => {
    const pool = new Piscina({
      filename: anchorFile('piscina_worker'),
      minThreads: workers,
      maxThreads: workers,
    });
    return { run: (name, arg) => pool.run(arg, { name }), close: () => pool.destroy() };
  },
  tinypool: (workers) => {
    const pool = new Tinypool({
      filename: anchorFile('piscina_worker'),
      minThreads: workers,
      maxThreads: workers,
    });
    return { run: (name, arg) => pool.run(arg, { name }), close: () => pool.destroy() };
  },
  workerpool: (workers) => {
    const pool = workerpool.pool(anchorFile('workerpool_worker'), {
      minWorkers: workers,
      maxWorkers: workers,
      workerType: 'thread',
    });
    return {
      run: async (name, arg) => await pool.exec(name, [arg]),
      close: async () => {
        await pool.terminate();
      },
    };
  },
  poolifier: async (workers) => {
    const pool = new FixedThreadPool(workers, anchorFile('poolifier_worker'), {
      enableTasksQueue: true,
    });
    await new Promise<void>((resolve) =>
      pool.info.ready ? resolve() : pool.emitter?.once('ready', () => resolve()),
    );
    return { run: (name, arg) => pool.execute(arg, name), close: () => pool.destroy() };
  },
};

/** A warm pool of `workers`, kept across rounds. */
function warm(
  workers: number,
  factory: PoolFactory,
  run: (pool: BenchPool, ctx: BenchContext) => Promise<number>,
): StatefulImpl<BenchPool> {
  return {
    async setup() {
      const pool = await factory(workers);
      await Promise.all(Array.from({ length: workers * 4 }, (_, i) => pool.run('noop', i)));
      return pool;
    },
    run,
    teardown: (pool) => pool.close().then(() => undefined),
  };
}

function perPool(make: (factory: PoolFactory) => BenchCase['impls'][string]): BenchCase['impls'] {
  return Object.fromEntries(Object.entries(pools).map(([name, factory]) => [name, make(factory)]));
}

const TINY = 100_000;
const tinyTasks = (factory: PoolFactory) =>
  warm(2, factory, async (pool, ctx) => {
    const n = ctx.quick ? TINY / 5 : TINY;
    const t0 = performance.now();
    const all = new Array(n);
    for (let i = 0; i < n; i++) all[i] = pool.run('noop', i);
    await Promise.all(all);
    return n / ((performance.now() - t0) / 1000);
  });

const ROUNDTRIPS = 10_000;
const roundtrip = (factory: PoolFactory) =>
  warm(1, factory, async (pool, ctx) => {
    const n = ctx.quick ? 2_000 : ROUNDTRIPS;
    const lat = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await pool.run('noop', i);
      lat[i] = (performance.now() - t0) * 1000;
    }
    return percentile(lat, 50);
  });

// cpu-2w: 8 tasks of ~200 ms of CPU each on 2 workers; the value is the speedup over running
// the same 8 tasks one after another in this thread.
const CPU_ITERATIONS = 12_000_000;
let serialMs: number | undefined;
function serialTime(iterations: number): number {
  if (serialMs === undefined) {
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) cpu(iterations);
    serialMs = performance.now() - t0;
  }
  return serialMs;
}
const cpu2w = (factory: PoolFactory) =>
  warm(2, factory, async (pool, ctx) => {
    const iterations = ctx.quick ? CPU_ITERATIONS / 4 : CPU_ITERATIONS;
    const serial = serialTime(iterations);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => pool.run('cpu', iterations)));
    return serial / (performance.now() - t0);
  });

const startup8 = (factory: PoolFactory) => async () => {
  const t0 = performance.now();
  const pool = await factory(8);
  await Promise.all(Array.from({ length: 8 }, (_, i) => pool.run('noop', i)));
  const ms = performance.now() - t0;
  await pool.close();
  return ms;
};

const startup8Rss = (factory: PoolFactory) => async () => {
  const before = process.memoryUsage().rss;
  const pool = await factory(8);
  await Promise.all(Array.from({ length: 8 }, (_, i) => pool.run('noop', i)));
  const mb = (process.memoryUsage().rss - before) / 1048576;
  await pool.close();
  return mb;
};

const MAP_ITEMS = 100_000;
const MAP_CHUNK = 5_000;

export default defineSuite('pool', [
  {
    id: 'tiny-tasks-2w',
    unit: 'tasks/s',
    title: '100 000 no-op tasks submitted at once to 2 workers',
    goal: '>= 4x the best npm pool, >= 3x CPython ThreadPoolExecutor',
    impls: { ...perPool(tinyTasks), cpython: { python: 'pool.py', args: ['tiny'] } },
  },
  {
    id: 'roundtrip-1w',
    unit: 'us',
    title: 'median of 10 000 sequential submit → await, 1 worker',
    goal: 'median <= 10 us',
    impls: { ...perPool(roundtrip), cpython: { python: 'pool.py', args: ['roundtrip'] } },
  },
  {
    id: 'map-chunked',
    unit: 'items/s',
    title: `map of ${MAP_ITEMS} no-op items in chunks of ${MAP_CHUNK}, 2 workers`,
    goal: '>= 5 M items/s (CPython Pool.map 7.8 M/s)',
    impls: {
      weft: {
        setup: () => new ThreadPoolExecutor({ maxWorkers: 2 }),
        async run(pool: ThreadPoolExecutor) {
          const items = Array.from({ length: MAP_ITEMS }, (_, i) => i);
          const t0 = performance.now();
          const out = await pool.map(noop, items, { chunksize: MAP_CHUNK });
          if (out.length !== MAP_ITEMS) throw new Error('lost items');
          return MAP_ITEMS / ((performance.now() - t0) / 1000);
        },
        teardown: (pool: ThreadPoolExecutor) => pool.shutdown(),
      },
      cpython: { python: 'pool.py', args: ['map'] },
    },
  },
  {
    id: 'cpu-2w',
    unit: 'x',
    title: 'speedup of 8 × ~200 ms CPU tasks on 2 workers over running them serially',
    goal: '>= 1.95x',
    rounds: 3,
    quickRounds: 1,
    impls: { ...perPool(cpu2w), cpython: { python: 'pool.py', args: ['cpu'] } },
  },
  {
    id: 'startup-8',
    unit: 'ms',
    title: 'a pool of 8 workers ready, with one task done on each',
    impls: { ...perPool(startup8), cpython: { python: 'pool.py', args: ['startup'] } },
  },
  {
    id: 'startup-8-rss',
    unit: 'MB',
    title: 'resident memory added by a pool of 8 workers with one task done on each',
    impls: perPool(startup8Rss),
  },
]);
