/**
 * weft/redis beside plain BullMQ, on a redis-server of the suite's own (loopback, no
 * persistence) with one worker process each: weft's RedisExecutor with a `weft worker`, and
 * BullMQ's Queue with `waitUntilFinished` per job and a plain BullMQ Worker. Both workers
 * take the same number of jobs at once; the task is the trivial `noop`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { RedisExecutor } from 'weft/redis';
import { RedisServer, startWorker, type WorkerProcess } from '../../test/redis/_harness.js';
import { noop } from '../anchors/tasks.js';
import { type BenchContext, defineSuite, percentile, rate, type StatefulImpl } from '../harness.js';

/** Jobs each worker process takes at once. */
const CONCURRENCY = 8;
const tasksModule = fileURLToPath(new URL('../anchors/tasks.js', import.meta.url));
const bullmqWorker = fileURLToPath(new URL('../anchors/bullmq_worker.js', import.meta.url));

interface Backend {
  /** One task, submitted and awaited. */
  call(x: number): Promise<unknown>;
  close(): Promise<void>;
}

interface State {
  server: RedisServer;
  backend: Backend;
}

async function weft(server: RedisServer): Promise<Backend> {
  const worker: WorkerProcess = await startWorker(server.url, [
    '--tasks',
    tasksModule,
    '--queue',
    'bench',
    '--concurrency',
    String(CONCURRENCY),
  ]);
  const ex = new RedisExecutor({ connection: server.url, queue: 'bench' });
  return {
    call: (x) => ex.submit(noop, x),
    close: async () => {
      await ex.shutdown();
      await worker.stop();
    },
  };
}

async function bullmq(server: RedisServer): Promise<Backend> {
  const worker: ChildProcess = spawn(
    process.execPath,
    [bullmqWorker, server.url, 'bench', String(CONCURRENCY)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await once(createInterface({ input: worker.stdout! }), 'line');
  const connection = { host: '127.0.0.1', port: server.port };
  const queue = new Queue('bench', { connection });
  const events = new QueueEvents('bench', { connection });
  events.setMaxListeners(0);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return {
    call: async (x) => (await queue.add('noop', { x })).waitUntilFinished(events),
    close: async () => {
      await Promise.all([queue.close(), events.close()]);
      worker.kill('SIGTERM');
      if (worker.exitCode === null) await once(worker, 'exit');
    },
  };
}

function impl(
  make: (server: RedisServer) => Promise<Backend>,
  run: (backend: Backend, ctx: BenchContext) => Promise<number>,
): StatefulImpl<State> {
  return {
    async setup() {
      const server = await RedisServer.start();
      try {
        const backend = await make(server);
        if ((await backend.call(7)) !== 7) throw new Error('the worker did not answer 7');
        return { server, backend };
      } catch (err) {
        await server.stop();
        throw err;
      }
    },
    run: (state, ctx) => run(state.backend, ctx),
    async teardown({ server, backend }) {
      await backend.close();
      await server.stop();
    },
  };
}

// roundtrip: the median of sequential submit → result, in µs.
async function roundtrip(backend: Backend, ctx: BenchContext): Promise<number> {
  const calls = ctx.quick ? 300 : 1000;
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await backend.call(i);
    times.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return percentile(times, 50);
}

// throughput-5k: 5 000 tasks submitted at once, all results awaited.
async function throughput(backend: Backend): Promise<number> {
  const n = 5000;
  return rate(n, async () => {
    await Promise.all(Array.from({ length: n }, (_, i) => backend.call(i)));
  });
}

export default defineSuite('redis', [
  {
    id: 'roundtrip',
    unit: 'us',
    title: 'p50 of one task submitted and awaited at a time, through one local worker process',
    goal: '<= 1500 us',
    impls: { weft: impl(weft, roundtrip), bullmq: impl(bullmq, roundtrip) },
  },
  {
    id: 'throughput-5k',
    unit: 'tasks/s',
    title: '5 000 tasks submitted at once through one local worker process, all results awaited',
    goal: '>= 3x plain BullMQ',
    rounds: 5,
    impls: { weft: impl(weft, (b) => throughput(b)), bullmq: impl(bullmq, (b) => throughput(b)) },
  },
]);
