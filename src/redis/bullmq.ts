/**
 * bullmq and ioredis, loaded when `weft/redis` is imported. They are optional peer
 * dependencies of weft, used by this module alone: the rest of weft loads without them, and
 * importing `weft/redis` without them fails at once, naming what to install.
 */
import { RuntimeError } from '../errors.js';

function missing(err: unknown): never {
  throw new RuntimeError(
    'weft/redis runs tasks through BullMQ on Redis and needs the packages bullmq and ioredis, ' +
      'which are not installed here: npm install bullmq ioredis',
    { cause: err },
  );
}

function isNotFound(err: unknown, name: string): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(`'${name}'`);
}

async function loadBullmq(): Promise<typeof import('bullmq')> {
  try {
    return await import('bullmq');
  } catch (err) {
    if (isNotFound(err, 'bullmq')) missing(err);
    throw err;
  }
}

async function loadIoredis(): Promise<{ Redis: typeof import('ioredis').Redis }> {
  try {
    return await import('ioredis');
  } catch (err) {
    if (isNotFound(err, 'ioredis')) missing(err);
    throw err;
  }
}

/** The bullmq module. */
export const bullmq: typeof import('bullmq') = await loadBullmq();

/** ioredis's client class (for weft's own connections: abort messages, fallback reads). */
export const Redis: typeof import('ioredis').Redis = (await loadIoredis()).Redis;
