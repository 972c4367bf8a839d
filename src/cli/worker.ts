/**
 * `weft worker`: serves a `RedisExecutor`'s queue from this machine (see `serve` in
 * `weft/redis`). Runs until SIGTERM or SIGINT: the first stops taking jobs and lets the
 * running ones finish (up to `--grace`), a second hands them back to the queue at once; the
 * process then exits 0.
 */

import { SERVE_OPTIONS, type ServeOptions } from '../redis/serve_options.js';

export const workerUsage = `usage: weft worker --tasks MODULE [options]

Takes jobs from a BullMQ queue on Redis and runs their tasks on this machine's cores. A task
is a function exported by MODULE, called by its export name by a RedisExecutor.

options:
  --redis URL               Redis to connect to (default: $WEFT_REDIS_URL or redis://127.0.0.1:6379)
  --tasks MODULE            a module (path or file: URL) whose exported functions are the tasks; repeatable
  --concurrency N           jobs run at once (default: --threads); raise it for tasks that mostly wait
  --threads N               threads that run the tasks (default: the number of cores)
  --queue NAME              the queue (default: weft)
  --prefix PREFIX           BullMQ's key prefix (default: bull)
  --lock-duration MS        a dead worker's job is taken back this long after its last renewal (default 5000)
  --stalled-interval MS     how often to look for such jobs (default 2500)
  --max-stalled-count N     times a job may be taken back before it fails (default 1)
  --grace MS                on SIGTERM/SIGINT, time running jobs get to finish (default 30000)
  --name NAME               this worker's name on the jobs it runs (default: host:pid)
  --quiet                   no log lines (errors still go to stderr)
`;

/** `--lock-duration` → `lockDuration`, for every option of `serve` the command line takes. */
const FLAGS = new Map(
  Object.keys(SERVE_OPTIONS)
    .filter((key) => key !== 'log' && key !== 'connection')
    .map((key) => [`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, key]),
).set('--redis', 'connection');

class UsageError extends Error {}

/** The options of `serve` from the command line. */
export function parseWorkerArgs(argv: readonly string[]): {
  options: Record<string, unknown> & { tasks: string[] };
  quiet: boolean;
} {
  const options: Record<string, unknown> & { tasks: string[] } = { tasks: [] };
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quiet') {
      quiet = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = FLAGS.get(flag) as keyof typeof SERVE_OPTIONS | undefined;
    if (!key) throw new UsageError(`unknown option '${arg}'`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--')))
      throw new UsageError(`${flag} needs a value`);
    const named: Record<string, unknown> = options;
    if (SERVE_OPTIONS[key] === 'list') options.tasks.push(value);
    else if (SERVE_OPTIONS[key] === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n))
        throw new UsageError(`${flag} must be a number, got '${value}'`);
      named[key] = n;
    } else named[key] = value;
  }
  if (options.tasks.length === 0) throw new UsageError('--tasks MODULE is required');
  options.connection ??= process.env.WEFT_REDIS_URL || undefined;
  return { options, quiet };
}

/** Runs `weft worker`; resolves to the exit code. */
export async function worker(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(workerUsage);
    return 0;
  }
  let parsed: ReturnType<typeof parseWorkerArgs>;
  try {
    parsed = parseWorkerArgs(argv);
  } catch (err) {
    process.stderr.write(`weft worker: ${(err as Error).message}\n\n${workerUsage}`);
    return 2;
  }
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} weft worker: ${line}\n`);
  };
  let served: import('../redis/worker.js').RedisWorker;
  try {
    const { serve } = await import('../redis/index.js');
    served = await serve({
      ...(parsed.options as unknown as ServeOptions),
      log: parsed.quiet ? undefined : log,
    });
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`weft worker: ${e?.message ?? e}\n`);
    return e instanceof TypeError || e instanceof RangeError ? 2 : 1;
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signals++ === 0) {
      if (!parsed.quiet) log(`${signal}: stopping (${signal} again hands running jobs back now)`);
      void served.close();
    } else served.handBack();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await served.closed;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return 0;
}
