/**
 * `Manager()` (Python's `multiprocessing.Manager()`, a started `SyncManager`): makes shared
 * objects whose proxies every process of the tree can use, and drops them all at `shutdown()`.
 */
import type { QueueOptions } from '../_internal/queue_common.js';
import { RuntimeError } from '../errors.js';
import type { BarrierOptions } from '../shared/barrier.js';
import type { ValueOf } from '../shared/ctypes.js';
import type { SemaphoreOptions } from '../shared/semaphore.js';
import { BrokerClient } from './_broker/client.js';
import type { BrokerObject } from './_broker/proxy.js';
import { brokerAddress } from './_broker/start.js';
import { DictProxy, ListProxy, Namespace } from './_containers.js';
import type { CType } from './_typed_cells.js';
import { SharedArray } from './array.js';
import { Barrier } from './barrier.js';
import { Condition } from './condition.js';
import { Event } from './event.js';
import { Lock } from './lock.js';
import { JoinableQueue, Queue } from './queue.js';
import { RLock } from './rlock.js';
import { BoundedSemaphore, Semaphore } from './semaphore.js';
import { Value } from './value.js';

/**
 * A manager of shared objects (Python's `SyncManager`). Python runs a server process for
 * them; weft's process tree already has one (its broker), so a manager is a record of the
 * objects it made, served by the same implementations as the top-level `Lock`, `Queue`...
 * Its proxies cross to other processes as arguments or queue items and arrive live.
 * `shutdown()` (or `await using`) drops every object it made: their proxies then fail with
 * `RuntimeError`, and whoever waits on them is woken with it.
 *
 * @example
 * ```ts
 * import { Manager, Process } from 'weft/multiprocessing';
 * export async function fill(d: ReturnType<ReturnType<typeof Manager>['dict']>, i: number) {
 *   await d.set(`k${i}`, i * i);
 * }
 * await using m = Manager();
 * const d = m.dict<string, number>();
 * const ps = [1, 2, 3].map((i) => new Process({ target: fill, args: [d, i] }));
 * for (const p of ps) p.start();
 * for (const p of ps) await p.join();
 * console.log(await d.items()); // [['k1', 1], ['k2', 4], ['k3', 9]] in some order
 * ```
 */
export class SyncManager implements AsyncDisposable {
  readonly #made: BrokerObject[] = [];
  #shutdown = false;

  #track<O extends BrokerObject>(obj: O): O {
    if (this.#shutdown) throw new RuntimeError('the manager was shut down');
    this.#made.push(obj);
    return obj;
  }

  /** A shared dict (`DictProxy`), filled from `init` (a Map, pairs, or a plain object). */
  dict<K extends string | number | bigint | boolean = string, V = unknown>(
    init?: Iterable<[K, V]> | Record<string, V>,
  ): DictProxy<K, V> {
    const entries =
      init === undefined
        ? undefined
        : Symbol.iterator in Object(init)
          ? (init as Iterable<[K, V]>)
          : (Object.entries(init) as [K, V][]);
    return this.#track(new DictProxy<K, V>(entries));
  }

  /** A shared list (`ListProxy`), filled from `init`. */
  list<T = unknown>(init?: Iterable<T>): ListProxy<T> {
    return this.#track(new ListProxy<T>(init));
  }

  /** A shared namespace: attributes read and written as properties. */
  Namespace(): Namespace {
    return this.#track(new Namespace());
  }

  /** A shared typed value (Python's manager `Value`: no lock; use a manager `Lock` around updates). */
  Value<T extends CType>(type: T, initial?: ValueOf<T>): Value<T> {
    return this.#track(new Value(type, initial, { lock: false }));
  }

  /** A shared typed array (Python's manager `Array`: no lock). */
  Array<T extends CType>(type: T, sizeOrInit: number | Iterable<ValueOf<T>>): SharedArray<T> {
    return this.#track(new SharedArray(type, sizeOrInit, { lock: false }));
  }

  /** A shared `Lock`. */
  Lock(): Lock {
    return this.#track(new Lock());
  }

  /** A shared `RLock`. */
  RLock(): RLock {
    return this.#track(new RLock());
  }

  /** A shared `Semaphore`. */
  Semaphore(value = 1, options?: SemaphoreOptions): Semaphore {
    return this.#track(new Semaphore(value, options));
  }

  /** A shared `BoundedSemaphore`. */
  BoundedSemaphore(value = 1, options?: SemaphoreOptions): BoundedSemaphore {
    return this.#track(new BoundedSemaphore(value, options));
  }

  /** A shared `Event`. */
  Event(): Event {
    return this.#track(new Event());
  }

  /** A shared `Condition` over `lock` (a new `RLock` by default). */
  Condition(lock?: Lock | RLock): Condition {
    return this.#track(new Condition(lock));
  }

  /** A shared `Barrier`. */
  Barrier(parties: number, options?: BarrierOptions): Barrier {
    return this.#track(new Barrier(parties, options));
  }

  /** A shared `Queue`. */
  Queue<T = unknown>(options?: QueueOptions): Queue<T> {
    return this.#track(new Queue<T>(options));
  }

  /** A shared `JoinableQueue`. */
  JoinableQueue<T = unknown>(options?: QueueOptions): JoinableQueue<T> {
    return this.#track(new JoinableQueue<T>(options));
  }

  /** Drops every object this manager made. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#shutdown) return;
    this.#shutdown = true;
    const ids = this.#made.map((o) => -o.$weft.uid);
    this.#made.length = 0;
    if (ids.length === 0) return;
    const client = BrokerClient.of(brokerAddress());
    await client.request(0, 'drop', [ids]);
  }

  /** The same as {@link shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/**
 * A manager of shared objects (Python's `multiprocessing.Manager()`); see {@link SyncManager}.
 *
 * @example
 * ```ts
 * import { Manager } from 'weft/multiprocessing';
 * await using m = Manager();
 * const ns = m.Namespace();
 * ns.total = 0;
 * ```
 */
export function Manager(): SyncManager {
  return new SyncManager();
}
