/**
 * Starting threads: `thread-start-cold` (a thread that needs a new isolate), `thread-start-warm`
 * (one that gets an isolate a finished thread left warm), and `s01-100-threads-sleep` (the S01
 * seed: 100 threads each sleeping 100 ms, joined), each beside CPython's threading and, for the
 * cold start, a bare `new Worker()` that runs an empty script.
 */
import { Worker } from 'node:worker_threads';

import { Thread } from 'weft/threading';
import { _dropIdleCarriers } from '../../src/runtime/carriers.js';
import { nap, noop } from '../anchors/tasks.js';
import { type BenchCase, time } from '../harness.js';

async function startJoin(target: (...a: any[]) => unknown, args: unknown[] = []): Promise<void> {
  const t = new Thread({ target, args, isolate: 'own' });
  t.start();
  await t.join();
}

export const threadStartCold: BenchCase = {
  id: 'thread-start-cold',
  unit: 'ms',
  title: 'start and join a thread that needs a new isolate',
  impls: {
    weft: () => {
      _dropIdleCarriers();
      return time('ms', () => startJoin(noop, [0]));
    },
    'baseline-worker': () =>
      time('ms', async () => {
        const w = new Worker('', { eval: true });
        await new Promise((r) => w.once('exit', r));
      }),
    cpython: { python: 'threads.py', args: ['start'] },
  },
};

export const threadStartWarm: BenchCase = {
  id: 'thread-start-warm',
  unit: 'ms',
  title: 'start and join a thread on an isolate a finished thread left warm',
  impls: {
    weft: {
      setup: () => startJoin(noop, [0]),
      run: async () => {
        let total = 0;
        for (let i = 0; i < 20; i++) total += await time('ms', () => startJoin(noop, [0]));
        return total / 20;
      },
    },
    cpython: { python: 'threads.py', args: ['start'] },
  },
};

export const s01Sleep: BenchCase = {
  id: 's01-100-threads-sleep',
  unit: 's',
  title: 'S01: 100 threads each sleeping 100 ms, started and joined',
  goal: '<= 0.5 s',
  impls: {
    weft: async () => {
      _dropIdleCarriers();
      return time('s', async () => {
        const ts = Array.from({ length: 100 }, () => new Thread({ target: nap, args: [100] }));
        for (const t of ts) t.start();
        for (const t of ts) await t.join();
      });
    },
    cpython: { python: 'threads.py', args: ['s01'] },
  },
};
