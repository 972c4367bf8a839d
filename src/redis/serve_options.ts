/**
 * The options of `serve()` and `weft worker`, in a module of their own: the command line reads
 * them without loading bullmq.
 */
import type { RedisConnection } from './connection.js';

/**
 * Options of {@link serve} (and of `weft worker`, whose flags are these in kebab case).
 *
 * @example
 * ```ts
 * import { serve } from 'weft/redis';
 * await serve({
 *   connection: 'redis://10.0.0.5:6379',
 *   tasks: ['./dist/images.js', './dist/reports.js'],
 *   queue: 'images',
 *   concurrency: 16,      // tasks that mostly wait on I/O
 *   lockDuration: 10_000, // a dead worker's job is taken back within ~10–15 s
 * });
 * ```
 */
export interface ServeOptions {
  /** Where Redis is: a URL or ioredis options (default `redis://127.0.0.1:6379`). */
  connection?: RedisConnection | undefined;
  /** The module (or modules) whose exported functions are the tasks: paths relative to the working directory, or URLs. */
  tasks: string | readonly string[];
  /** The BullMQ queue (default `weft`). */
  queue?: string | undefined;
  /** BullMQ's key prefix (default `bull`). */
  prefix?: string | undefined;
  /** Jobs run at once (default: `threads`). Raise it for tasks that mostly wait. */
  concurrency?: number | undefined;
  /** Threads of the local pool that runs the tasks (default: the number of cores). */
  threads?: number | undefined;
  /** How long (ms) a job's lock lasts without renewal: a dead worker's job is free after this (default 5000). */
  lockDuration?: number | undefined;
  /** How often (ms) this worker looks for jobs whose worker died, to put them back in the queue (default 2500). */
  stalledInterval?: number | undefined;
  /** How many times a job may be taken back from a dead worker before it fails (default 1). */
  maxStalledCount?: number | undefined;
  /** On close, how long (ms) running jobs may take to finish before they are handed back to the queue (default 30 000). */
  grace?: number | undefined;
  /** This worker's name, stored on the jobs it runs (default `host:pid`). */
  name?: string | undefined;
  /** Where log lines go (default: nowhere). `weft worker` writes them to stderr. */
  log?: ((line: string) => void) | undefined;
}

/** Each option of {@link ServeOptions} and what kind of value it takes (the command line's flags are these in kebab case). */
export const SERVE_OPTIONS = {
  connection: 'string',
  tasks: 'list',
  queue: 'string',
  prefix: 'string',
  concurrency: 'number',
  threads: 'number',
  lockDuration: 'number',
  stalledInterval: 'number',
  maxStalledCount: 'number',
  grace: 'number',
  name: 'string',
  log: 'function',
} as const satisfies Record<keyof ServeOptions, string>;
