/**
 * Starting processes: `process-start` (one child that runs a no-op and exits, joined — the
 * mean of ten) and `s01-processes` (S01's process half: 100 children each sleeping 100 ms,
 * all started, then all joined; 25 children in a quick run, which has no time for more on
 * 2 cores), weft's `Process` beside CPython's `multiprocessing.Process`
 * with its default start method (fork on Linux before 3.14) and, as a baseline, with spawn —
 * the model weft follows, since Node cannot fork a running program.
 */
import { Process } from 'weft/multiprocessing';
import type { BenchCase } from '../harness.js';

/** The child's target: nothing. */
export function nothing(): void {}

/** S01's target: sleep `ms`. */
export async function sleepMs(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

const STARTS = 10;

export const processStart: BenchCase = {
  id: 'process-start',
  unit: 'ms',
  title: `a child process that runs a no-op, started and joined (mean of ${STARTS}, ${STARTS / 2} when quick)`,
  impls: {
    async weft(ctx) {
      const starts = ctx.quick ? STARTS / 2 : STARTS;
      const t0 = performance.now();
      for (let i = 0; i < starts; i++) {
        const p = new Process({ target: nothing });
        p.start();
        await p.join();
        if (p.exitcode !== 0) throw new Error(`the child exited with ${p.exitcode}`);
      }
      return (performance.now() - t0) / starts;
    },
    cpython: { python: 'processes.py', args: ['start'] },
    'baseline-cpython-spawn': { python: 'processes.py', args: ['start', '--method', 'spawn'] },
  },
};

const S01 = 100;

export const s01Processes: BenchCase = {
  id: 's01-processes',
  unit: 's',
  title: `S01, processes: ${S01} children (${S01 / 4} when quick) each sleeping 100 ms, started then joined`,
  rounds: 3,
  quickRounds: 1,
  quickWarmup: false,
  impls: {
    async weft(ctx) {
      const n = ctx.quick ? S01 / 4 : S01;
      const t0 = performance.now();
      const ps = Array.from({ length: n }, () => new Process({ target: sleepMs, args: [100] }));
      for (const p of ps) p.start();
      for (const p of ps) await p.join();
      return (performance.now() - t0) / 1000;
    },
    cpython: { python: 'processes.py', args: ['s01'] },
    'baseline-cpython-spawn': { python: 'processes.py', args: ['s01', '--method', 'spawn'] },
  },
};
