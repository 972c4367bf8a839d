/**
 * The executor conformance suite against a RedisExecutor: a real redis-server and two
 * `weft worker` processes serving the same task module as the thread pool's tests, one job
 * at a time each (the suite's `workers: 2`).
 */
import { after, before, describe } from 'node:test';
import { RedisExecutor } from 'weft/redis';
import { executorConformance } from '../futures/conformance.js';
import {
  fixture,
  RedisServer,
  skipWithoutRedis,
  startWorkers,
  type WorkerProcess,
} from './_harness.js';

describe('RedisExecutor with a real redis-server and two weft workers', {
  skip: skipWithoutRedis(),
}, () => {
  let server: RedisServer;
  let workers: WorkerProcess[] = [];
  before(async () => {
    server = await RedisServer.start();
    const args = ['--tasks', fixture('pool_tasks'), '--queue', 'conformance'];
    workers = await startWorkers(server.url, 2, [...args, '--concurrency', '1', '--threads', '1']);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await server?.stop();
  });

  executorConformance(
    'RedisExecutor',
    () => new RedisExecutor({ connection: server.url, queue: 'conformance' }),
  );
});
