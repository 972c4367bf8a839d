/**
 * `weft/redis`: weft's `Executor` on many machines, through BullMQ on Redis. A
 * {@link RedisExecutor} turns tasks into jobs; `weft worker` processes (or {@link serve}) on
 * any machine that reaches Redis run them on all their cores; the results come back to the
 * same `Future`s a `ThreadPoolExecutor` gives.
 *
 * bullmq and ioredis are optional peer dependencies of weft, needed by this module only:
 * `npm install bullmq ioredis`. See `docs/redis.md`.
 *
 * @example
 * ```ts
 * // tasks.ts, served by: weft worker --redis redis://127.0.0.1:6379 --tasks ./dist/tasks.js
 * export function square(x: number): number { return x * x; }
 *
 * // main.ts
 * import { RedisExecutor } from 'weft/redis';
 * import { square } from './tasks.js';
 *
 * await using ex = new RedisExecutor({ connection: 'redis://127.0.0.1:6379' });
 * console.log(await ex.map(square, [1, 2, 3])); // [1, 4, 9]
 * ```
 * @module
 */
export type { RedisConnection } from './connection.js';
export {
  type BackoffOptions,
  type KeepJobs,
  RedisExecutor,
  type RedisExecutorOptions,
} from './executor.js';
export type { ServeOptions } from './serve_options.js';
export { RedisWorker, serve } from './worker.js';
