/**
 * The one proxy mechanism of weft/multiprocessing: every process-wide object is a handle on
 * an object the tree's broker serves, named by an id that the creating thread picks. The
 * handle crosses like weft's shared objects (its only enumerable property is `$weft`, a
 * descriptor without a SharedArrayBuffer) and revives as the same kind of handle elsewhere.
 *
 * The broker makes the object when a handle first speaks of it: the descriptor carries the
 * object's creation spec, and the first message a thread sends about the object on a given
 * connection is preceded by a `create` that the broker ignores if the object exists. So making
 * an object costs no round trip, and an object nobody uses costs the broker nothing.
 */
import { effectiveSignal } from '../../_internal/cancellation.js';
import { type Descriptor, SharedObject } from '../../_internal/handle.js';
import { assertMayBlock } from '../../_internal/park.js';
import { nextUid } from '../../_internal/registry.js';
import { checkWaitOptions, type WaitOptions } from '../../_internal/validate.js';
import { Batch, BrokerClient } from './client.js';
import { brokerAddress } from './start.js';
import { requestSync } from './sync.js';
import type { Message } from './wire.js';

/** How the broker makes an object: `[id, kind, ...arguments]`. */
export type Spec = [id: number, kind: string, ...args: unknown[]];

/** What a handle's descriptor carries. */
export interface BrokerExtra {
  /** The broker's address. */
  broker: string;
  /** The object's id at the broker. */
  id: number;
  /** How to make it, and whatever it needs made first (a condition's lock). */
  specs: Spec[];
  /** Anything else the handle needs (constants such as a queue's maxsize). */
  info?: unknown;
}

/** A new id, unique in the tree: this process's id above a process-wide counter. */
export function newId(): number {
  return process.pid * 2 ** 30 + nextUid();
}

const ANNOUNCED_ASYNC = 1;
const ANNOUNCED_SYNC = 2;

/** A handle on an object served by the tree's broker. */
export abstract class BrokerObject extends SharedObject {
  #announced = 0;
  readonly #client: BrokerClient;

  /**
   * A new object (`make`, given a fresh id, returns the specs that make it, its own last,
   * and the id it has if that is not its spec's) or, with `descriptor`, a revived handle.
   */
  protected constructor(
    type: string,
    make: ((id: number) => { specs: Spec[]; info?: unknown; id?: number }) | undefined,
    descriptor?: Descriptor,
  ) {
    let extra: BrokerExtra;
    if (descriptor) extra = descriptor.extra as BrokerExtra;
    else {
      const made = make!(newId());
      extra = {
        broker: brokerAddress(),
        id: made.id ?? made.specs.at(-1)![0],
        specs: made.specs,
        info: made.info,
      };
    }
    super(type, -extra.id, extra, descriptor);
    this.#client = BrokerClient.of(extra.broker);
  }

  /** What the descriptor carries. */
  protected get _extra(): BrokerExtra {
    return this.$weft.extra as BrokerExtra;
  }

  /** The object's id at the broker. */
  protected get _id(): number {
    return this._extra.id;
  }

  #announce(bit: number): Message | undefined {
    if (this.#announced & bit) return undefined;
    this.#announced |= bit;
    return [0, 0, 'create', [this._extra.specs]];
  }

  /** Sends a request about this object (`target` another object of it, such as its lock). */
  protected _request(
    method: string,
    args: unknown[],
    signal?: AbortSignal,
    delivery = false,
    target = this._id,
  ): Promise<unknown> {
    const create = this.#announce(ANNOUNCED_ASYNC);
    if (create) this.#client.postRaw([create]);
    return this.#client.request(target, method, args, signal, delivery);
  }

  /**
   * A batch of calls of `method` on this object (see `Batch`): the returned function makes
   * one call, which travels with the calls made beside it in one request.
   */
  protected _batch(
    method: string,
    serial: boolean,
    map?: (result: unknown) => unknown,
  ): (arg: unknown, delivery?: boolean) => Promise<unknown> {
    const batch = new Batch(this.#client, this._id, method, serial, map);
    return (arg, delivery) => {
      const create = this.#announce(ANNOUNCED_ASYNC);
      if (create) this.#client.postRaw([create]);
      return batch.call(arg, delivery);
    };
  }

  /** Sends a message about this object that wants no reply. */
  protected _post(method: string, args: unknown[], target = this._id): void {
    const create = this.#announce(ANNOUNCED_ASYNC);
    if (create) this.#client.postRaw([create]);
    this.#client.post(target, method, args);
  }

  /** Sends a request and blocks this thread until it is answered. */
  protected _requestSync(method: string, args: unknown[], target = this._id): unknown {
    return requestSync(this._extra.broker, target, method, args, this.#announce(ANNOUNCED_SYNC));
  }

  /** Sends a request to the broker itself (object 0) about this object. */
  protected _brokerPost(method: string, args: unknown[]): void {
    this._post(method, args, 0);
  }
}

/** Checks a waiting call's options; the signal includes the enclosing Task's cancellation. */
export function asyncWait(options: WaitOptions | undefined): {
  timeout: number | undefined;
  signal: AbortSignal | undefined;
} {
  const { timeout, signal } = checkWaitOptions(options);
  return { timeout, signal: effectiveSignal(signal) };
}

/**
 * Checks a blocking call's options: the thread may block, and the signal is not aborted (a
 * blocked thread runs nothing that could abort it later). Returns the timeout.
 */
export function syncWait(options: WaitOptions | undefined, what: string): number | undefined {
  assertMayBlock(what);
  const { timeout, signal } = checkWaitOptions(options);
  if (signal?.aborted) throw signal.reason;
  return timeout;
}
