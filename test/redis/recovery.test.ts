/**
 * What goes wrong on many machines: a worker killed mid-task, Redis restarting under a run,
 * a worker asked to stop while it runs jobs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BrokenExecutorError, WorkerCrashedError } from 'weft/errors';
import { RedisExecutor } from 'weft/redis';
import * as tasks from '../fixtures/pool_tasks.js';
import * as traced from '../fixtures/redis_tasks.js';
import {
  fixture,
  lines,
  RedisServer,
  skipWithoutRedis,
  startWorker,
  startWorkers,
  until,
} from './_harness.js';

const T = { timeout: 120_000 };

describe('RedisExecutor recovery', { skip: skipWithoutRedis() }, () => {
  let server: RedisServer;
  let dir: string;
  const serving = ['--tasks', fixture('pool_tasks'), '--tasks', fixture('redis_tasks')];
  /** Quick stalled-job recovery: a dead worker's job is free 1 s after its last lock renewal. */
  const quickRecovery = ['--lock-duration', '1000', '--stalled-interval', '300'];

  before(async () => {
    server = await RedisServer.start();
    dir = mkdtempSync(join(tmpdir(), 'weft-redis-'));
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'kill -9 of a worker mid-task: another worker runs the task, its future resolves once',
    T,
    async () => {
      const args = [...serving, ...quickRecovery, '--queue', 'kill', '--concurrency', '1'];
      const workers = await startWorkers(server.url, 2, args);
      const file = join(dir, 'kill');
      try {
        await using ex = new RedisExecutor({ connection: server.url, queue: 'kill' });
        const f = ex.submit(traced.markThenSleep, file, 'long', 1500);
        let settled = 0;
        f.addDoneCallback(() => settled++);
        await until(() => lines(file).length === 1, 20_000, 'the task starting');
        const first = Number(lines(file)[0]!.split(' ')[0]);
        const victim = workers.find((w) => w.pid === first)!;
        const survivor = workers.find((w) => w !== victim)!;
        assert.ok(victim, `the task ran in worker ${first}`);
        await victim.kill();
        const t0 = performance.now();
        assert.equal(await f.result({ timeout: 30_000 }), survivor.pid);
        const recovery = performance.now() - t0;
        assert.ok(recovery < 15_000, `recovered in ${recovery.toFixed(0)} ms`);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(settled, 1);
        assert.deepEqual(
          lines(file).map((l) => Number(l.split(' ')[0])),
          [victim.pid, survivor.pid],
          'at least once: the task ran again, on the survivor',
        );
        assert.equal(await ex.submit(tasks.add, 1, 2), 3);
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    },
  );

  it(
    'a job taken back from dead workers more often than --max-stalled-count fails with WorkerCrashedError',
    T,
    async () => {
      const args = [...serving, ...quickRecovery, '--queue', 'stalls', '--concurrency', '1'];
      const workers = await startWorkers(server.url, 2, [...args, '--max-stalled-count', '0']);
      const file = join(dir, 'stalls');
      try {
        await using ex = new RedisExecutor({ connection: server.url, queue: 'stalls' });
        const f = ex.submit(traced.markThenSleep, file, 'doomed', 10_000);
        await until(() => lines(file).length === 1, 20_000, 'the task starting');
        const pid = Number(lines(file)[0]!.split(' ')[0]);
        await workers.find((w) => w.pid === pid)!.kill();
        const err = (await f.exception({ timeout: 30_000 })) as Error;
        assert.ok(err instanceof WorkerCrashedError, String(err));
        assert.match(err.message, /taken back from its worker more often than the queue allows/);
        assert.equal(lines(file).length, 1, 'not run again');
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    },
  );

  it(
    'SIGTERM: a worker finishes its running jobs and exits 0; with no grace left it hands them back',
    T,
    async () => {
      const args = [...serving, '--queue', 'term', '--concurrency', '2'];
      const first = await startWorker(server.url, [...args, '--grace', '10000']);
      await using ex = new RedisExecutor({ connection: server.url, queue: 'term' });
      const finishing = ex.submit(tasks.sleepThen, 600, 'finished');
      await until(() => finishing.running(), 20_000, 'the task running');
      assert.equal(await first.stop(), 0);
      assert.equal(await finishing, 'finished', 'the worker finished its job before it exited');
      assert.match(first.log.join('\n'), /stopping: 1 running job\(s\) may finish within 10000 ms/);

      const file = join(dir, 'handback');
      const second = await startWorker(server.url, [...args, '--grace', '0']);
      const handed = ex.submit(traced.markThenSleep, file, 'handed', 3000);
      await until(() => lines(file).length === 1, 20_000, 'the task starting');
      assert.equal(await second.stop(), 0);
      assert.equal(handed.done(), false, 'handed back, not failed');
      await until(() => !handed.running(), 10_000, 'the job back in the queue');
      const third = await startWorker(server.url, args);
      try {
        assert.equal(await handed.result({ timeout: 30_000 }), third.pid);
        assert.deepEqual(
          lines(file).map((l) => Number(l.split(' ')[0])),
          [second.pid, third.pid],
        );
      } finally {
        await third.stop();
      }
    },
  );

  it(
    'Redis stops and restarts mid-run: every future settles with its result or a clear error, and the executor goes on',
    T,
    async () => {
      const args = [...serving, ...quickRecovery, '--queue', 'restart', '--concurrency', '4'];
      const workers = await startWorkers(server.url, 2, args);
      try {
        await using ex = new RedisExecutor({
          connection: server.url,
          queue: 'restart',
          pollInterval: 300,
        });
        const futures = Array.from({ length: 60 }, (_, i) => ex.submit(tasks.sleepThen, 100, i));
        await until(() => futures.filter((f) => f.done()).length >= 8, 30_000, 'some results');
        await server.restart();
        // Submitted while Redis is back but empty; the workers reconnect on their own.
        const after = Array.from({ length: 10 }, (_, i) => ex.submit(tasks.sleepThen, 10, 100 + i));
        const outcomes = await Promise.allSettled(
          [...futures, ...after].map((f) => f.result({ timeout: 60_000 })),
        );
        let ok = 0;
        outcomes.forEach((o, i) => {
          if (o.status === 'fulfilled') {
            assert.equal(o.value, i < 60 ? i : 100 + i - 60);
            ok++;
          } else {
            assert.ok(o.reason instanceof BrokenExecutorError, String(o.reason));
            assert.match(
              String(o.reason.message),
              /no longer in Redis|could not add|lost the connection/,
            );
          }
        });
        assert.ok(ok >= 8, `${ok} of 70 came back`);
        assert.equal(
          await ex.submit(tasks.add, 20, 22),
          42,
          'the executor works after the restart',
        );
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    },
  );
});
