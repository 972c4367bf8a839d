import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokenThreadPool, CancelledError, WorkerCrashedError } from 'weft/errors';
import { ThreadPoolExecutor } from 'weft/futures';
import { Lock } from 'weft/threading';
import * as tasks from '../fixtures/pool_tasks.js';
import { executorConformance } from './conformance.js';
import { poolBehaviour } from './pool_behaviour.js';

executorConformance(
  'ThreadPoolExecutor',
  ({ workers }) => new ThreadPoolExecutor({ maxWorkers: workers }),
);

poolBehaviour('ThreadPoolExecutor', {
  make: ({ workers, recycleAfter, ...rest }) =>
    new ThreadPoolExecutor({ maxWorkers: workers, maxTasksPerWorker: recycleAfter, ...rest }),
  broken: BrokenThreadPool,
  workerId: tasks.whoAmI,
  idleTimeout: 200,
});

const T = { timeout: 60_000 };

describe('ThreadPoolExecutor', () => {
  it('defaults maxWorkers to the CPU count and validates options', async () => {
    const pool = new ThreadPoolExecutor();
    assert.ok(pool.maxWorkers >= 1);
    await pool.shutdown();
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 0 }), /maxWorkers must be >= 1/);
    assert.throws(
      () => new ThreadPoolExecutor({ maxWorker: 2 } as never),
      /did you mean 'maxWorkers'/,
    );
    assert.throws(
      () => new ThreadPoolExecutor({ initializer: 5 as never }),
      /initializer must be a function/,
    );
    assert.throws(
      () => new ThreadPoolExecutor({ initargs: 5 as never }),
      /initargs must be an array/,
    );
    assert.throws(() => new ThreadPoolExecutor({ spinMs: -1 }), /spinMs must be >= 0/);
  });

  it('runs tasks in parallel threads of the same process', T, async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const ids = await Promise.all(
      [0, 1, 2, 3].map(() => pool.submit(tasks.busy, 50).then(() => pool.submit(tasks.whoAmI))),
    );
    assert.ok(ids.every((id) => id > 0));
    const t0 = performance.now();
    await Promise.all([pool.submit(tasks.busy, 200), pool.submit(tasks.busy, 200)]);
    assert.ok(performance.now() - t0 < 380, 'two CPU tasks overlap on two workers');
  });

  it('recycles a worker whose heap grows past maxHeapMB', T, async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1, maxHeapMB: 40 });
    const first = await pool.submit(tasks.whoAmI);
    await pool.submit(tasks.hoard, 64);
    await new Promise((r) => setTimeout(r, 150));
    await pool.submit(tasks.hoard, 1);
    let id = first;
    for (let i = 0; i < 20 && id === first; i++) {
      id = await pool.submit(tasks.whoAmI);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.notEqual(id, first);
  });

  it('shared objects cross as arguments and arrive live', T, async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const lock = new Lock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const { incrementUnderLock } = await import('../fixtures/pool_tasks_shared.js');
    await Promise.all(
      [0, 1, 2, 3].map(() => pool.submit(incrementUnderLock, lock, counter, 10_000)),
    );
    assert.equal(counter[0], 40_000);
  });

  it(
    'soak: workers killed at random during 10 000 tasks; every future settles; no worker leaks',
    T,
    async () => {
      const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
      const fs = Array.from({ length: 10_000 }, (_, i) => pool.submit(tasks.maybeCrash, i, 0.001));
      const settled = await Promise.allSettled(fs);
      let ok = 0;
      let crashed = 0;
      settled.forEach((s, i) => {
        if (s.status === 'fulfilled') {
          assert.equal(s.value, i);
          ok++;
        } else {
          assert.ok(s.reason instanceof WorkerCrashedError, String(s.reason));
          crashed++;
        }
      });
      assert.equal(ok + crashed, 10_000);
      assert.ok(crashed > 0, 'some workers were killed');
      assert.equal(await pool.submit(tasks.add, 1, 1), 2);
      await pool.shutdown();
      assert.equal(pool.stats().workers, 0);
    },
  );

  it(
    'map with chunks: numbers, mixed items, holes; the input may change once map returns',
    T,
    async () => {
      const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
      try {
        const ints = Array.from({ length: 10_000 }, (_, i) => i - 5000);
        const r = pool.map(tasks.identity, ints, { chunksize: 1000 });
        ints.fill(7); // chunks already dispatched were encoded, the others cut out, at the call
        assert.deepEqual(
          await r,
          Array.from({ length: 10_000 }, (_, i) => i - 5000),
        );
        const floats = Array.from({ length: 3000 }, (_, i) => i / 4);
        assert.deepEqual(await pool.map(tasks.identity, floats, { chunksize: 512 }), floats);
        const mixed = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? `s${i}` : i));
        assert.deepEqual(await pool.map(tasks.identity, mixed, { chunksize: 16 }), mixed);
        const holey = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        delete holey[3];
        const out = await pool.map(tasks.identity, holey, { chunksize: 4 });
        assert.deepEqual(out, [1, 2, 3, undefined, 5, 6, 7, 8, 9, 10]);
        const many = Array.from({ length: 10_001 }, (_, i) => `${i}`);
        assert.deepEqual(await pool.map(tasks.identity, many, { chunksize: 2 }), many);
        const lists = [[1, 2], [3], [4, 5]];
        assert.deepEqual(await pool.map(tasks.identity, lists, { chunksize: 2 }), lists);
        const squares = await pool.map(tasks.square, new Set([1, 2, 3]), { chunksize: 2 });
        assert.deepEqual(squares, [1, 4, 9]);
      } finally {
        await pool.shutdown();
      }
    },
  );

  it('shutdown under load settles', T, async () => {
    const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const fs = Array.from({ length: 5000 }, (_, i) => pool.submit(tasks.identity, i));
    await pool.shutdown({ cancelFutures: true });
    const settled = await Promise.allSettled(fs);
    assert.ok(settled.every((s) => s.status === 'fulfilled' || s.reason instanceof CancelledError));
  });
});
