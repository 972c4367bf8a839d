/**
 * S71: many machines. S70 ran one call in another process; here two `weft worker` processes
 * share one CPU-heavy `map` through Redis — on loopback, but each could run on a machine of
 * its own. The code is what it would be with a `ThreadPoolExecutor`: only the executor
 * changes (see docs/one-thread-to-many-machines.md).
 *
 * It needs a Redis server (and the packages bullmq and ioredis):
 *
 * ```sh
 * redis-server --port 6379 --save '' &
 * WEFT_REDIS_URL=redis://127.0.0.1:6379 node dist/examples/s71_many_machines.js
 * WEFT_REDIS_URL=redis://127.0.0.1:6379 npx weft demo S71
 * ```
 *
 * Without `WEFT_REDIS_URL` it only says how to run it. By hand, on each machine:
 *
 * ```sh
 * weft worker --redis redis://10.0.0.5:6379 --tasks dist/examples/primes.js
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { defineSeed, runIfMain } from './_seed.js';
import { countPrimes } from './primes.js';

const fromSource = import.meta.url.endsWith('.ts');
/** The `weft` command of the installed package (what `npx weft` runs). */
const weftCli = fileURLToPath(
  new URL('./dist/src/cli/main.js', import.meta.resolve('weft/package.json')),
);

/** Starts `weft worker` serving `primes` on `queue`; resolves once it serves. */
async function startWorker(url: string, queue: string): Promise<ChildProcess> {
  // Run from TypeScript source (tsx), the worker imports primes.ts through the same loader.
  const loader = fromSource ? ['--import', 'tsx'] : [];
  const child = spawn(
    process.execPath,
    [
      ...loader,
      weftCli,
      'worker',
      '--redis',
      url,
      '--tasks',
      fileURLToPath(new URL(`./primes.${fromSource ? 'ts' : 'js'}`, import.meta.url)),
      '--queue',
      queue,
      '--concurrency',
      '2',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines = createInterface({ input: child.stderr! });
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      log.push(line);
      if (/ serves queue /.test(line)) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`weft worker exited with ${code}:\n${log.join('\n')}`)),
    );
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const seed = defineSeed({
  id: 'S71',
  title: 'RedisExecutor: two weft workers share one CPU-heavy map through Redis',
  python: "(no seed program: S70's remote call, grown into a task queue — Celery or RQ in Python)",
  async run(out, { quick }) {
    const url = process.env.WEFT_REDIS_URL;
    if (!url) {
      out.log('This example needs a Redis server. Start one and point WEFT_REDIS_URL at it:');
      out.log("  redis-server --port 6379 --save '' &");
      out.log('  WEFT_REDIS_URL=redis://127.0.0.1:6379 npx weft demo S71');
      return 'not run: set WEFT_REDIS_URL to a Redis server to see two workers share a map';
    }
    let RedisExecutor: typeof import('weft/redis').RedisExecutor;
    try {
      ({ RedisExecutor } = await import('weft/redis'));
    } catch (err) {
      out.log((err as Error).message);
      return 'not run: weft/redis needs the packages bullmq and ioredis';
    }
    const queue = `s71-${process.pid}`;
    const workers = await Promise.all([startWorker(url, queue), startWorker(url, queue)]);
    try {
      await using ex = new RedisExecutor({ connection: url, queue });
      const limit = quick ? 400_000 : 4_000_000;
      const step = limit / 16;
      const starts = Array.from({ length: 16 }, (_, i) => i * step);
      const t0 = performance.now();
      const counts = await ex.map(
        countPrimes,
        starts,
        starts.map((s) => s + step),
      );
      const seconds = ((performance.now() - t0) / 1000).toFixed(2);
      for (const c of counts)
        out.log(`primes in [${c.from}, ${c.to}): ${c.count}  (by ${c.worker})`);
      const total = counts.reduce((sum, c) => sum + c.count, 0);
      const by = new Set(counts.map((c) => c.worker));
      out.log(`${total} primes below ${limit}`);
      return `${total} primes below ${limit}, counted in 16 tasks by ${by.size} weft workers sharing one map through Redis in ${seconds} s`;
    } finally {
      await Promise.all(workers.map(stop));
    }
  },
});

export default seed;

runIfMain(import.meta, seed);
