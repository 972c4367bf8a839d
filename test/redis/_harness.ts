/**
 * A real redis-server on a free loopback port, and `weft worker` processes serving it: for
 * the Redis tests, the example's test and the Redis bench suite. When redis-server is not
 * installed the tests are skipped, loudly (CI installs it: `.ci/run`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** True if `redis-server` is on the PATH. */
export const redisInstalled =
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** `false` when redis-server is here; otherwise why the tests are skipped (said loudly, once). */
export function skipWithoutRedis(): false | string {
  if (redisInstalled) return false;
  const why =
    'redis-server is not installed (apt-get install redis-server): the Redis tests did NOT run';
  process.stderr.write(`\n*** SKIPPED: ${why} ***\n\n`);
  return why;
}

const children = new Set<ChildProcess>();
// Whatever happens to the test process, no redis-server or worker outlives it.
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function exited(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return code as number | null;
}

/** A redis-server of the test's own. */
export class RedisServer {
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    if (!redisInstalled)
      throw new Error('redis-server is not installed here (apt-get install redis-server)');
    for (let attempt = 0; ; attempt++) {
      const server = new RedisServer(await freePort());
      try {
        await server.#launch();
        return server;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }

  async #launch(): Promise<void> {
    const child = track(
      spawn(
        'redis-server',
        [
          '--port',
          String(this.port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    this.#child = child;
    const lines = createInterface({ input: child.stdout! });
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        output.push(line);
        if (/Ready to accept connections/.test(line)) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited with ${code}:\n${output.slice(-5).join('\n')}`)),
      );
    });
  }

  /** Stops the server (its data is gone: it keeps none on disk). */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child) return;
    child.kill('SIGTERM');
    await exited(child, 5000);
  }

  /** Starts it again on the same port, empty. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#launch();
  }
}

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A fixture module of tasks, as a path for `--tasks`. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}.js`, import.meta.url));
}

/** A `weft worker` child process. */
export class WorkerProcess {
  readonly log: string[] = [];
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    const lines = createInterface({ input: child.stderr! });
    this.ready = new Promise((resolve, reject) => {
      lines.on('line', (line) => {
        this.log.push(line);
        if (/ serves queue /.test(line)) resolve();
      });
      child.once('exit', (code) =>
        reject(
          new Error(`weft worker exited with ${code} before serving:\n${this.log.join('\n')}`),
        ),
      );
    });
    this.ready.catch(() => {});
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** SIGTERM, then the exit code (SIGKILL after `ms`). */
  async stop(ms = 15_000): Promise<number | null> {
    this.child.kill('SIGTERM');
    return exited(this.child, ms);
  }

  /** kill -9. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await exited(this.child, 5000);
  }
}

/** Starts `weft worker` with these arguments (after `--redis url`); resolves once it serves. */
export async function startWorker(url: string, args: string[]): Promise<WorkerProcess> {
  const child = track(
    spawn(process.execPath, [cli, 'worker', '--redis', url, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  const worker = new WorkerProcess(child);
  await worker.ready;
  return worker;
}

/** Starts `count` workers with the same arguments. */
export function startWorkers(url: string, count: number, args: string[]): Promise<WorkerProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(url, args)));
}

/** The lines of a file a task appends to (none if it does not exist yet). */
export function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Resolves when `predicate()` is true, polling; rejects after `ms`. */
export async function until(
  predicate: () => boolean,
  ms = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
