/**
 * `process-pool-tiny-2w` and `process-roundtrip-1w`: weft's ProcessPoolExecutor beside
 * CPython's `concurrent.futures.ProcessPoolExecutor` (its default start method), on no-op
 * tasks — what the pool itself costs per task.
 *
 * Both build their pool outside the measured rounds and warm it (every child started and
 * running a few tasks), as CPython's tutorial measurement did.
 */
import { ProcessPoolExecutor } from 'weft/futures';
import { noop } from '../anchors/tasks.js';
import { type BenchCase, percentile, type StatefulImpl } from '../harness.js';

function warmPool(workers: number): StatefulImpl<ProcessPoolExecutor>['setup'] {
  return async () => {
    const pool = new ProcessPoolExecutor({ maxWorkers: workers });
    // One task per child first (each starts a child), then a few batches.
    await Promise.all(Array.from({ length: workers }, (_, i) => pool.submit(noop, i)));
    for (let r = 0; r < 3; r++)
      await Promise.all(Array.from({ length: 1000 }, (_, i) => pool.submit(noop, i)));
    return pool;
  };
}

const teardown = (pool: ProcessPoolExecutor): Promise<void> => pool.shutdown();

const TINY = 20_000;

export const processPoolTiny: BenchCase = {
  id: 'process-pool-tiny-2w',
  unit: 'tasks/s',
  title: `${TINY / 1000}k no-op tasks submitted at once to 2 child processes`,
  goal: '>= 3x CPython ProcessPoolExecutor (~9.5 k tasks/s here)',
  impls: {
    weft: {
      setup: warmPool(2),
      async run(pool: ProcessPoolExecutor, { quick }) {
        const n = quick ? TINY / 4 : TINY;
        const t0 = performance.now();
        const all = new Array(n);
        for (let i = 0; i < n; i++) all[i] = pool.submit(noop, i);
        await Promise.all(all);
        return n / ((performance.now() - t0) / 1000);
      },
      teardown,
    },
    cpython: { python: 'processes.py', args: ['pool-tiny'] },
  },
};

export const processRoundtrip: BenchCase = {
  id: 'process-roundtrip-1w',
  unit: 'us',
  title: 'median of sequential submit → await of a no-op task, 1 child process',
  goal: 'well under CPython (~225 us here)',
  impls: {
    weft: {
      setup: warmPool(1),
      async run(pool: ProcessPoolExecutor, { quick }) {
        const n = quick ? 1000 : 3000;
        const lat = new Array<number>(n);
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          await pool.submit(noop, i);
          lat[i] = (performance.now() - t0) * 1000;
        }
        return percentile(lat, 50);
      },
      teardown,
    },
    cpython: { python: 'processes.py', args: ['roundtrip'] },
  },
};
