/**
 * RedisExecutor beyond the conformance suite: names, retries, timeouts, signals, batching,
 * cancellation of queued jobs, shutdown with work pending.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ArgumentTypeError, CancelledError, RemoteError, TimeoutError } from 'weft/errors';
import { RedisExecutor } from 'weft/redis';
import * as tasks from '../fixtures/pool_tasks.js';
import * as traced from '../fixtures/redis_tasks.js';
import { notServed } from '../fixtures/redis_unserved.js';
import {
  fixture,
  lines,
  RedisServer,
  skipWithoutRedis,
  startWorker,
  until,
  type WorkerProcess,
} from './_harness.js';

const T = { timeout: 60_000 };

describe('RedisExecutor tasks', { skip: skipWithoutRedis() }, () => {
  let server: RedisServer;
  let redis: Redis;
  let dir: string;
  const workers: WorkerProcess[] = [];
  const serving = ['--tasks', fixture('pool_tasks'), '--tasks', fixture('redis_tasks')];

  /** One worker, one job at a time, on its own queue. */
  async function soloWorker(queue: string): Promise<WorkerProcess> {
    const w = await startWorker(server.url, [
      ...serving,
      '--queue',
      queue,
      '--concurrency',
      '1',
      '--threads',
      '1',
    ]);
    workers.push(w);
    return w;
  }

  before(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
    dir = mkdtempSync(join(tmpdir(), 'weft-redis-'));
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    redis?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a task name no worker serves fails with RemoteError saying what it serves, without retries',
    T,
    async () => {
      await soloWorker('unknown');
      await using ex = new RedisExecutor({ connection: server.url, queue: 'unknown', attempts: 3 });
      const t0 = performance.now();
      const err = (await ex.submit(notServed).exception()) as Error;
      assert.ok(err instanceof RemoteError, String(err));
      assert.match(
        err.message,
        /no task named 'notServed' on this worker: it serves .*\badd\b.*\bsquare\b/,
      );
      assert.ok(performance.now() - t0 < 5000);
      assert.equal(await ex.submit(tasks.add, 2, 2), 4, 'the worker goes on serving');
    },
  );

  it(
    'a registered task crosses by its registered name; a result that cannot cross fails the task',
    T,
    async () => {
      await soloWorker('names');
      await using ex = new RedisExecutor({ connection: server.url, queue: 'names', attempts: 2 });
      assert.equal(await ex.submit(traced.ops.triple, 14), 42);
      const err = (await ex.submit(tasks.returnsFunction).exception()) as Error;
      assert.ok(err instanceof ArgumentTypeError, String(err));
      assert.match(
        err.message,
        /the result of returnsFunction\(\) cannot cross to the other side: it is function square/,
      );
    },
  );

  it('retries a failing task up to attempts, with backoff between attempts', T, async () => {
    await soloWorker('retries');
    const file = join(dir, 'flaky');
    await using ex = new RedisExecutor({
      connection: server.url,
      queue: 'retries',
      attempts: 3,
      backoff: { type: 'fixed', delay: 300 },
    });
    assert.equal(await ex.submit(traced.flaky, file, 2), 3);
    const times = lines(file).map(Number);
    assert.equal(times.length, 3);
    assert.ok(times[1]! - times[0]! >= 250, `backoff waited ${times[1]! - times[0]!} ms`);
    const once = join(dir, 'flaky-once');
    await using single = new RedisExecutor({ connection: server.url, queue: 'retries' });
    await assert.rejects(single.submit(traced.flaky, once, 1), /attempt 1 fails/);
    assert.equal(lines(once).length, 1, 'attempts defaults to 1');
  });

  it('{ timeout } counts from when the task starts on the worker', T, async () => {
    await soloWorker('timeouts');
    await using ex = new RedisExecutor({ connection: server.url, queue: 'timeouts' });
    const blocker = ex.submit(tasks.sleepThen, 600, 'blocker');
    const queued = ex.run(tasks.sleepThen, [50, 'queued'], { timeout: 400 });
    assert.equal(await queued, 'queued', 'queued for 600 ms, ran for 50: within its timeout');
    assert.equal(await blocker, 'blocker');
    const t0 = performance.now();
    const err = await ex.run(tasks.sleepThen, [5000, 'late'], { timeout: 200 }).exception();
    assert.ok(err instanceof TimeoutError, String(err));
    assert.ok(performance.now() - t0 < 4000);
  });

  it('a signal removes a queued job, and aborts the taskSignal() of a running one', T, async () => {
    await soloWorker('signals');
    const file = join(dir, 'signals');
    await using ex = new RedisExecutor({ connection: server.url, queue: 'signals' });
    const running = new AbortController();
    const waiting = ex.run(traced.awaitAbort, [file], { signal: running.signal });
    await until(() => lines(file).length === 1, 20_000, 'the task starting');
    assert.equal(waiting.running(), true);
    const queuedSignal = new AbortController();
    const recordFile = join(dir, 'never');
    const queued = ex.run(traced.record, [recordFile, 'queued'], { signal: queuedSignal.signal });
    await new Promise((r) => setTimeout(r, 200)); // sent and waiting behind the running task
    queuedSignal.abort(new Error('not wanted'));
    await assert.rejects(queued, /not wanted/);
    running.abort(new Error('stop now'));
    await assert.rejects(waiting, /stop now/);
    await until(() => lines(file).length === 2, 20_000, 'the worker seeing the abort');
    assert.deepEqual(lines(file), ['started', 'CancelledError']);
    assert.equal(await ex.submit(tasks.add, 1, 1), 2, 'the worker is free again');
    assert.deepEqual(lines(recordFile), [], 'the removed job never ran');
    assert.equal(await redis.llen('bull:signals:wait'), 0);
  });

  it(
    'cancel() of queued tasks: a whole job is removed, one task of a batch is dropped',
    T,
    async () => {
      await soloWorker('cancel');
      const file = join(dir, 'cancel');
      await using ex = new RedisExecutor({ connection: server.url, queue: 'cancel' });
      // Teach the executor that `record` is quick, so tasks submitted together share a job.
      for (let round = 0; round < 5; round++)
        await Promise.all(
          Array.from({ length: 20 }, (_, i) => ex.submit(traced.record, file, `warm${i}`)),
        );
      const blocker = ex.submit(tasks.sleepThen, 700, 'blocker');
      await until(() => blocker.running(), 20_000, 'the blocker running');
      const batch = ['a', 'b', 'c'].map((tag) => ex.submit(traced.record, file, tag));
      const alone = ex.submit(tasks.sleepThen, 1, 'alone');
      await new Promise((r) => setTimeout(r, 200)); // both jobs are in Redis, waiting
      assert.equal(await redis.llen('bull:cancel:wait'), 2, 'the three records share a job');
      assert.equal(batch[1]!.running(), false);
      assert.equal(batch[1]!.cancel(), true);
      assert.equal(alone.cancel(), true);
      await assert.rejects(alone, CancelledError);
      assert.equal(await blocker, 'blocker');
      assert.deepEqual(await Promise.all([batch[0], batch[2]]), ['a', 'c']);
      await assert.rejects(batch[1]!, CancelledError);
      assert.deepEqual(lines(file).slice(100), ['a', 'c'], 'the cancelled task did not run');
      assert.equal(await redis.llen('bull:cancel:wait'), 0);
    },
  );

  it('tasks submitted together share jobs once they are known to be quick', T, async () => {
    await soloWorker('batches');
    await using ex = new RedisExecutor({ connection: server.url, queue: 'batches' });
    assert.equal(await ex.submit(tasks.add, 1, 1), 2); // the worker's threads are up
    const before = await redis.zcard('bull:batches:completed');
    const first = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ex.submit(tasks.square, i)),
    );
    const firstJobs = (await redis.zcard('bull:batches:completed')) - before;
    assert.ok(
      firstJobs < 25,
      `the first task goes alone and reports its cost; the other 49 follow packed (${firstJobs} jobs)`,
    );
    for (let round = 0; round < 3; round++)
      await Promise.all(Array.from({ length: 200 }, (_, i) => ex.submit(tasks.square, i)));
    const mid = await redis.zcard('bull:batches:completed');
    const squares = await Promise.all(
      Array.from({ length: 500 }, (_, i) => ex.submit(tasks.square, i)),
    );
    assert.deepEqual(
      squares,
      Array.from({ length: 500 }, (_, i) => i * i),
    );
    assert.deepEqual(first, squares.slice(0, 50));
    const jobs = (await redis.zcard('bull:batches:completed')) - mid;
    assert.ok(jobs <= 100, `500 quick tasks went in ${jobs} jobs`);
  });

  it(
    'a slow task in a batch does not hold back its batch-mates: they come back as they finish',
    T,
    async () => {
      workers.push(
        await startWorker(server.url, [
          ...serving,
          '--queue',
          'partial',
          '--concurrency',
          '1',
          '--threads',
          '2',
        ]),
      );
      await using ex = new RedisExecutor({ connection: server.url, queue: 'partial' });
      for (let round = 0; round < 5; round++)
        await Promise.all(Array.from({ length: 50 }, () => ex.submit(tasks.busy, 0)));
      const before = await redis.zcard('bull:partial:completed');
      // The first task of a tick goes at once when nothing else is under way; the next two
      // share a job.
      const first = ex.submit(tasks.busy, 0);
      const slow = ex.submit(tasks.busy, 2000);
      const quick = ex.submit(tasks.busy, 0);
      const t0 = performance.now();
      await quick;
      const waited = performance.now() - t0;
      assert.ok((await slow) > 0);
      assert.ok((await first) >= 0);
      assert.equal(
        (await redis.zcard('bull:partial:completed')) - before,
        2,
        'slow and quick shared a job',
      );
      assert.ok(waited < 1500, `the quick task came back after ${waited.toFixed(0)} ms`);
    },
  );

  it(
    'shutdown waits for queued and running work; with cancelFutures the queued jobs leave Redis',
    T,
    async () => {
      await soloWorker('shutdown');
      const file = join(dir, 'shutdown');
      const ex = new RedisExecutor({ connection: server.url, queue: 'shutdown' });
      const running = ex.submit(tasks.sleepThen, 400, 'r');
      await until(() => running.running(), 20_000, 'the first task running');
      const queued = [];
      for (let i = 0; i < 4; i++) {
        queued.push(ex.submit(traced.record, file, `q${i}`));
        await new Promise((r) => setImmediate(r)); // each in a job of its own
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await redis.llen('bull:shutdown:wait'), 4);
      await ex.shutdown({ cancelFutures: true });
      assert.equal(await running, 'r');
      assert.ok(queued.every((f) => f.cancelled()));
      assert.equal(await redis.llen('bull:shutdown:wait'), 0);
      assert.deepEqual(lines(file), []);

      const ex2 = new RedisExecutor({ connection: server.url, queue: 'shutdown' });
      const all = Array.from({ length: 5 }, (_, i) => ex2.submit(tasks.sleepThen, 50, i));
      await ex2.shutdown();
      assert.ok(all.every((f) => f.done()));
      assert.deepEqual(await Promise.all(all), [0, 1, 2, 3, 4]);
    },
  );
});
