import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ArgumentTypeError, BrokenProcessPool, WorkerCrashedError } from 'weft/errors';
import { ProcessPoolExecutor } from 'weft/futures';
import * as tasks from '../fixtures/pool_tasks.js';
import { liveChildren, running, until } from './_process_helpers.js';
import { executorConformance } from './conformance.js';
import { poolBehaviour } from './pool_behaviour.js';

executorConformance(
  'ProcessPoolExecutor',
  ({ workers }) => new ProcessPoolExecutor({ maxWorkers: workers }),
);

poolBehaviour('ProcessPoolExecutor', {
  make: ({ workers, recycleAfter, ...rest }) =>
    new ProcessPoolExecutor({ maxWorkers: workers, maxTasksPerChild: recycleAfter, ...rest }),
  broken: BrokenProcessPool,
  workerId: tasks.whichProcess,
  idleTimeout: 1000,
});

const T = { timeout: 60_000 };
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('ProcessPoolExecutor', () => {
  after(async () => {
    // Every pool of this file was shut down or broken: none of its children may be left.
    assert.ok(await until(() => liveChildren().length === 0, 5000), `left: ${liveChildren()}`);
  });

  it('defaults maxWorkers to the CPU count and validates options', T, async () => {
    const pool = new ProcessPoolExecutor();
    assert.equal(pool.maxWorkers, availableParallelism());
    await pool.shutdown();
    assert.throws(() => new ProcessPoolExecutor({ maxWorkers: 0 }), /maxWorkers must be >= 1/);
    assert.throws(
      () => new ProcessPoolExecutor({ maxWorker: 2 } as never),
      /did you mean 'maxWorkers'/,
    );
    assert.throws(
      () => new ProcessPoolExecutor({ maxTasksPerChild: 0 }),
      /maxTasksPerChild must be >= 1/,
    );
    assert.throws(
      () => new ProcessPoolExecutor({ initializer: 5 as never }),
      /initializer must be a function/,
    );
    assert.throws(
      () => new ProcessPoolExecutor({ initargs: [new SharedArrayBuffer(1)] }),
      /initargs\[0\]/,
    );
    assert.throws(() => new ProcessPoolExecutor({ gracePeriod: -1 }), /gracePeriod must be >= 0/);
  });

  it('runs tasks in parallel child processes', T, async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
    const pids = await Promise.all([
      pool.submit(tasks.whichProcess),
      pool.submit(tasks.whichProcess),
    ]);
    assert.equal(new Set(pids).size, 2);
    assert.ok(pids.every((pid) => pid !== process.pid));
    assert.deepEqual([...pool.pids].sort(), [...pids].sort());
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3 && best >= 380; i++) {
      const t0 = performance.now();
      await Promise.all([pool.submit(tasks.busy, 200), pool.submit(tasks.busy, 200)]);
      best = Math.min(best, performance.now() - t0);
    }
    assert.ok(best < 380, `two CPU tasks overlap on two children (best ${best} ms)`);
  });

  it('what cannot cross fails at submit, before any child starts', T, async () => {
    const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    assert.throws(
      () => pool.submit(tasks.identity, { nested: { s: Symbol('x') } } as never),
      (e: unknown) =>
        e instanceof ArgumentTypeError && /args\[0\]\.nested\.s/.test((e as Error).message),
    );
    assert.throws(
      () => pool.submit(tasks.identity, { buf: new SharedArrayBuffer(4) } as never),
      (e: unknown) =>
        e instanceof ArgumentTypeError &&
        /args\[0\]\.buf .*shared memory/.test((e as Error).message),
    );
    assert.equal(pool.stats().workers, 0, 'no child was started');
    await assert.rejects(pool.submit(tasks.returnsShared), /shared memory/);
    assert.equal(await pool.submit(tasks.add, 1, 2), 3);
    await pool.shutdown();
  });

  it(
    'kill -9 of a child during a 5 000-task run: every future settles, the pool keeps serving',
    T,
    async () => {
      const pool = new ProcessPoolExecutor({ maxWorkers: 2 });
      const victim = await pool.submit(tasks.whichProcess);
      const n = 5000;
      const fs = Array.from({ length: n }, (_, i) => pool.submit(tasks.slowIdentity, i, 0.5));
      await until(() => pool.stats().completed > 500, 20_000);
      process.kill(victim, 'SIGKILL');
      const settled = await Promise.allSettled(fs);
      let ok = 0;
      const crashed: unknown[] = [];
      settled.forEach((s, i) => {
        if (s.status === 'fulfilled') {
          assert.equal(s.value, i);
          ok++;
        } else crashed.push(s.reason);
      });
      assert.equal(ok + crashed.length, n);
      assert.equal(crashed.length, 1, 'only the task the child was running failed');
      assert.ok(crashed[0] instanceof WorkerCrashedError, String(crashed[0]));
      assert.match(String((crashed[0] as Error).message), /SIGKILL/);
      assert.equal(running(victim), false);
      assert.ok(!pool.pids.includes(victim));
      assert.equal(await pool.submit(tasks.add, 1, 1), 2);
      await pool.shutdown();
      assert.equal(pool.stats().workers, 0);
    },
  );

  it('async tasks run `concurrency` at a time in one child', T, async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1, concurrency: 4 });
    await pool.submit(tasks.add, 0, 0);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => pool.submit(tasks.sleepThen, 200, 1)));
    assert.ok(performance.now() - t0 < 700, 'four sleeps overlapped');
  });

  it('large values cross in both directions', T, async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    const big = 'x'.repeat(5_000_000);
    assert.equal(((await pool.submit(tasks.identity, big)) as string).length, big.length);
    const arr = Array.from({ length: 200_000 }, (_, i) => i);
    assert.deepEqual(await pool.submit(tasks.identity, arr), arr);
  });

  it(
    'a child importing a module that starts processes at its top level refuses to start them',
    T,
    async () => {
      const m = await import('../fixtures/unguarded_pool.js');
      const err = (await m.first.exception()) as Error;
      assert.match(
        String(err?.message),
        /a process was started while this child process was importing .*unguarded_pool\.js.*isChild/,
      );
      await m.done;
    },
  );

  it('a task defined in a .ts file runs under tsx', T, () => {
    const script = fileURLToPath(
      new URL('../../../test/fixtures/tsx_process_pool.ts', import.meta.url),
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /cube of 3 is 27 in a child/);
  });

  it('no child outlives a parent killed with SIGKILL, even a busy one', T, async () => {
    const parent = spawn(process.execPath, [fixture('pool_and_hang.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) =>
      parent.stdout!.once('data', (d) => resolve(String(d))),
    );
    const children = JSON.parse(line).children as number[];
    assert.equal(children.length, 2);
    assert.ok(children.every(running));
    parent.kill('SIGKILL');
    assert.ok(
      await until(() => !children.some(running), 5000),
      'the children died with their parent',
    );
  });
});
