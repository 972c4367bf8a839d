/**
 * The `shared` suite's cases: weft's shared-memory primitives between real threads, beside a
 * raw `Atomics` baseline (the floor: what the hardware and V8 allow without weft's fairness,
 * owner tracking, deadlock detection and owner-death recovery) and CPython's `threading`.
 * The uncontended case also shows async-mutex on the main thread, for weft's async form.
 */
import { Worker } from 'node:worker_threads';
import { Mutex } from 'async-mutex';
import { Condition, Lock, Semaphore } from 'weft/threading';
import type { BenchCase } from '../harness.js';

const workerFile = new URL('../anchors/shared_worker.js', import.meta.url);

/** Runs `workers` copies of a loop (each with `perWorker(i)` added to `job`); returns total ops/s. */
async function runLoops(
  kind: string,
  workers: number,
  n: number,
  job: Record<string, unknown>,
  perWorker: (i: number) => Record<string, unknown> = () => ({}),
): Promise<number> {
  const start = new Int32Array(new SharedArrayBuffer(4));
  const ws = Array.from(
    { length: workers },
    (_, i) => new Worker(workerFile, { workerData: { kind, n, start, ...job, ...perWorker(i) } }),
  );
  await new Promise((r) => setTimeout(r, 50 * workers)); // let every worker reach the start line
  const done = ws.map(
    (w) =>
      new Promise<number>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      }),
  );
  const t0 = performance.now();
  Atomics.store(start, 0, 1);
  Atomics.notify(start, 0);
  await Promise.all(done);
  const ms = performance.now() - t0;
  await Promise.all(ws.map((w) => w.terminate()));
  return (workers * n) / (ms / 1000);
}

function counter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

function checked(c: Int32Array, expected: number, rate: number): number {
  if (c[1] !== expected) throw new Error(`lost updates: ${c[1]} of ${expected}`);
  return rate;
}

const UNCONTENDED = 5_000_000;
export const lockUncontendedWorker: BenchCase = {
  id: 'lock-uncontended-worker',
  unit: 'ops/s',
  title: 'acquire + release pairs of a free Lock inside a worker thread',
  goal: '>= 20 M/s',
  impls: {
    weft: async (ctx) => {
      const n = ctx.quick ? UNCONTENDED / 5 : UNCONTENDED;
      const c = counter();
      return checked(c, n, await runLoops('weftLock', 1, n, { lock: new Lock(), counter: c }));
    },
    'baseline-atomics': async (ctx) => {
      const n = ctx.quick ? UNCONTENDED / 5 : UNCONTENDED;
      const c = counter();
      return checked(c, n, await runLoops('rawLock', 1, n, { counter: c }));
    },
    'async-mutex': async (ctx) => {
      const n = ctx.quick ? 200_000 : 1_000_000;
      const m = new Mutex();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) (await m.acquire())();
      return n / ((performance.now() - t0) / 1000);
    },
    cpython: { python: 'shared.py', args: ['uncontended'] },
  },
};

const CONTENDED = 1_000_000;
export const lockContended2Threads: BenchCase = {
  id: 'lock-contended-2threads',
  unit: 'ops/s',
  title: 'two threads incrementing one counter under one Lock (the count is checked)',
  goal: '>= 5 M/s (CPython 5.2 M/s here)',
  impls: {
    weft: async (ctx) => {
      const n = ctx.quick ? CONTENDED / 4 : CONTENDED;
      const c = counter();
      return checked(c, 2 * n, await runLoops('weftLock', 2, n, { lock: new Lock(), counter: c }));
    },
    'baseline-atomics': async (ctx) => {
      const n = ctx.quick ? CONTENDED / 4 : CONTENDED;
      const c = counter();
      return checked(c, 2 * n, await runLoops('rawLock', 2, n, { counter: c }));
    },
    cpython: { python: 'shared.py', args: ['contended'] },
  },
};

const PINGS = 100_000;
export const conditionPingPong: BenchCase = {
  id: 'condition-pingpong',
  unit: 'ops/s',
  title: 'round trips between two threads taking turns through a Condition',
  impls: {
    weft: async (ctx) => {
      const n = ctx.quick ? PINGS / 5 : PINGS;
      const turn = new Int32Array(new SharedArrayBuffer(4));
      return (
        (await runLoops(
          'weftPingPong',
          2,
          n,
          { cond: new Condition(new Lock()), turn, counter: counter() },
          (i) => ({ me: i }),
        )) / 2
      );
    },
    'baseline-atomics': async (ctx) => {
      const n = ctx.quick ? PINGS / 5 : PINGS;
      const turn = new Int32Array(new SharedArrayBuffer(4));
      return (
        (await runLoops('rawPingPong', 2, n, { turn, counter: counter() }, (i) => ({ me: i }))) / 2
      );
    },
    cpython: { python: 'shared.py', args: ['pingpong'] },
  },
};

const PERMITS = 500_000;
export const semaphoreContended: BenchCase = {
  id: 'semaphore-contended',
  unit: 'ops/s',
  title: 'four threads taking and giving back permits of a Semaphore(2) (the bound is checked)',
  impls: {
    weft: async (ctx) => {
      const n = ctx.quick ? PERMITS / 5 : PERMITS;
      const inside = new Int32Array(new SharedArrayBuffer(8));
      const rate = await runLoops('weftSemaphore', 4, n, {
        sem: new Semaphore(2),
        inside,
        counter: counter(),
      });
      if (inside[1]! > 2) throw new Error(`the bound was exceeded: ${inside[1]} inside at once`);
      return rate;
    },
    cpython: { python: 'shared.py', args: ['semaphore'] },
  },
};
