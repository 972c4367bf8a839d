/**
 * Where Redis is and which queue to use, as both sides of `weft/redis` take them: a Redis URL
 * or ioredis options, a queue name and a key prefix (BullMQ's).
 */
import type { RedisOptions } from 'bullmq';
import { checkString, typeError, valueError } from '../_internal/validate.js';
import { Redis } from './bullmq.js';

/**
 * Where Redis is: a URL — `redis://[user:password@]host[:port][/db]`, `rediss://` for TLS —
 * or ioredis connection options (`{ host, port, password, db, tls, ... }`).
 *
 * @example
 * ```ts
 * import { RedisExecutor } from 'weft/redis';
 * new RedisExecutor({ connection: 'redis://:secret@10.0.0.5:6379/2' });
 * new RedisExecutor({ connection: { host: '10.0.0.5', port: 6379, password: 'secret', db: 2 } });
 * ```
 */
export type RedisConnection = string | RedisOptions;

/** The queue's name when none is given. */
export const DEFAULT_QUEUE = 'weft';

/** BullMQ's key prefix when none is given (BullMQ's own default). */
export const DEFAULT_PREFIX = 'bull';

/** ioredis options for `connection` (a URL or options); `param` names it in errors. */
export function toRedisOptions(connection: unknown, param = 'connection'): RedisOptions {
  if (connection === undefined) return { host: '127.0.0.1', port: 6379 };
  if (typeof connection === 'string') return fromUrl(connection, param);
  if (connection instanceof Redis)
    typeError(param, 'a Redis URL or ioredis options (weft opens its own connections)', connection);
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection))
    typeError(param, "a Redis URL such as 'redis://127.0.0.1:6379' or ioredis options", connection);
  return { ...(connection as RedisOptions) };
}

function fromUrl(text: string, param: string): RedisOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return valueError(param, "a Redis URL such as 'redis://127.0.0.1:6379'", text);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    valueError(param, "a URL with the scheme redis: or rediss: ('redis://host:port/db')", text);
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
  };
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db) {
    if (!/^\d+$/.test(db)) valueError(param, 'a URL whose path is a database number', text);
    options.db = Number(db);
  }
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}

/** `redis://host:port/db` for logs and messages: never the password. */
export function describeConnection(options: RedisOptions): string {
  const host = options.host ?? '127.0.0.1';
  const db = options.db ? `/${options.db}` : '';
  return `${options.tls ? 'rediss' : 'redis'}://${host.includes(':') ? `[${host}]` : host}:${options.port ?? 6379}${db}`;
}

/** A queue name: a non-empty string without `:` (BullMQ builds its keys with it). */
export function checkQueueName(value: unknown, name = 'queue'): string {
  if (value === undefined) return DEFAULT_QUEUE;
  const s = checkString(value, name);
  if (s === '' || s.includes(':')) valueError(name, "a non-empty name without ':'", s);
  return s;
}

/** BullMQ's key prefix: a non-empty string. */
export function checkPrefix(value: unknown, name = 'prefix'): string {
  if (value === undefined) return DEFAULT_PREFIX;
  const s = checkString(value, name);
  if (s === '') valueError(name, 'a non-empty string', s);
  return s;
}

/** Where a queue is — Redis, the queue's name, BullMQ's prefix — from options that say so, checked. */
export function checkQueueTarget(options: {
  connection?: unknown;
  queue?: unknown;
  prefix?: unknown;
}): { redis: RedisOptions; queue: string; prefix: string } {
  return {
    redis: toRedisOptions(options.connection),
    queue: checkQueueName(options.queue),
    prefix: checkPrefix(options.prefix),
  };
}
