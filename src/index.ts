/**
 * weft: Python's concurrency toolkit for Node.js. This entry point re-exports every module
 * but `weft/redis`, whose packages (bullmq, ioredis) are optional: import that one from its
 * subpath. Each module is also importable on its own subpath (`weft/asyncio`, `weft/threading`, ...).
 *
 * @example
 * ```ts
 * import { errors } from 'weft';
 * console.log(new errors.TimeoutError('late') instanceof errors.WeftError); // true
 * ```
 * @module
 */

export * as asyncio from './asyncio/index.js';
export * as errors from './errors.js';
export * from './errors.js';
export * as futures from './futures/index.js';
export * as managers from './managers/index.js';
export * as multiprocessing from './multiprocessing/index.js';
export * as queue from './queue/index.js';
export * as subprocess from './subprocess/index.js';
export * as threading from './threading/index.js';
