/**
 * The broker's `Value` and `Array`: a fixed number of elements (a `Value` is one), checked
 * and converted by the proxies, and the lock that guards them, if any. A read or a write
 * holds the lock for its own duration: it runs at once when the lock is free or held by the
 * caller, and otherwise waits for the lock (FIFO), as Python's synchronized wrappers do, in
 * one round trip instead of three.
 */
import type { ServedLock } from './lock.js';
import { type Call, type Served, unknownMethod } from './served.js';

export class ServedValues implements Served {
  readonly #values: unknown[];

  constructor(
    values: unknown[],
    readonly lock: ServedLock | undefined,
  ) {
    this.#values = values;
  }

  call(call: Call, method: string, args: unknown[]): unknown {
    switch (method) {
      case 'get':
        return this.#locked(call, () => this.#values[args[0] as number]);
      case 'set':
        return this.#locked(call, () => {
          this.#values[args[0] as number] = args[1];
        });
      case 'getAll':
        return this.#locked(call, () => this.#values.slice());
      case 'setAll':
        return this.#locked(call, () => {
          const values = args[0] as unknown[];
          const start = (args[1] as number | undefined) ?? 0;
          for (let i = 0; i < values.length; i++) this.#values[start + i] = values[i];
        });
      default:
        return unknownMethod('Value', method);
    }
  }

  #locked<R>(call: Call, fn: () => R): R | Promise<R> {
    const lock = this.lock;
    if (!lock || lock.owner === call.owner || lock.free) return fn();
    return (async () => {
      await lock.acquire(call, undefined);
      try {
        return fn();
      } finally {
        lock.release(call.owner);
      }
    })();
  }
}
