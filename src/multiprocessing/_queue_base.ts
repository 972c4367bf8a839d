/**
 * What the process queues share (`Queue`, `JoinableQueue`, `SimpleQueue`): a handle on a
 * broker queue whose items are encoded here and decoded by the receiving process, and
 * Python's feeder-thread semantics for the end of a process: the puts a process made are
 * delivered before it exits, unless `cancelJoinThread()` was called.
 */
import type { Descriptor } from '../_internal/handle.js';
import { untilShutDown } from '../_internal/queue_common.js';
import type { WaitOptions } from '../_internal/validate.js';
import { ValueError } from '../errors.js';
import { asyncWait, BrokerObject, syncWait } from './_broker/proxy.js';
import { decodeItem, type Encoded, encodeItem } from './_broker/wire.js';

export abstract class BrokerQueue<T> extends BrokerObject implements AsyncIterable<T> {
  #closed = false;
  #deliver = true;
  #puts: Promise<unknown> | undefined;
  /**
   * Puts on an unbounded queue (which never waits for room): the puts of one turn go as one
   * `putMany`, which the broker queues in order at once, so one reply answers them all and a
   * process's items stay in its put order.
   */
  readonly #putMany = this._batch('putMany', false);
  /**
   * Gets without a timeout or signal: the gets of one turn go as one `getMany`, answered with
   * as many items as the queue holds (at least one, waiting for it), each for one of those
   * gets; the rest go again. Serial: one `getMany` in flight per handle, so this thread's gets
   * take items in the order they were made. The broker hands out an item only to a get that
   * was made (there is no read-ahead), so no item waits in a process that did not ask for it.
   */
  readonly #getMany = this._batch('getMany', true, decodeItem);

  protected constructor(type: string, maxsize: number, descriptor?: Descriptor) {
    super(type, (id) => ({ specs: [[id, 'Queue', maxsize]], info: maxsize }), descriptor);
  }

  /** The most items the queue holds; 0 for no limit. */
  get maxsize(): number {
    return this._extra.info as number;
  }

  #encode(item: T): Encoded {
    if (this.#closed) throw new ValueError(`${this.describe()} is closed`);
    return encodeItem(item, 'item');
  }

  /**
   * Puts `item`, waiting while the queue is full. Resolves once the queue holds it; rejects
   * with `Full` if `timeout` passed first, `ShutDown` after `shutdown()`, or the signal's
   * reason. Several puts made without awaiting each go out together (pipelined).
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    try {
      const { timeout, signal } = asyncWait(options);
      const encoded = this.#encode(item);
      if (signal?.aborted) return Promise.reject(signal.reason);
      // An unbounded queue never makes a put wait, so its timeout and signal have nothing
      // to cut short: every put on it can join the turn's `putMany`.
      const p =
        this.maxsize === 0
          ? this.#putMany(encoded, this.#deliver)
          : this._request('put', [encoded, timeout], signal, this.#deliver);
      this.#puts = p;
      return p as Promise<void>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Puts `item`, blocking the calling thread while the queue is full. */
  putSync(item: T, options?: WaitOptions): void {
    const timeout = syncWait(options, `${this.constructor.name}.putSync()`);
    this._requestSync('put', [this.#encode(item), timeout]);
  }

  /** Puts `item` without waiting: throws `Full` if there is no room (a round trip). */
  putNowait(item: T): void {
    this._requestSync('putNowait', [this.#encode(item)]);
  }

  /**
   * Takes the next item, waiting while the queue is empty. Rejects with `Empty` if `timeout`
   * passed first, `ShutDown` once shut down and empty, or the signal's reason.
   */
  get(options?: WaitOptions): Promise<T> {
    try {
      const { timeout, signal } = asyncWait(options);
      if (timeout === undefined && signal === undefined)
        return this.#getMany(undefined) as Promise<T>;
      return this._request('get', [timeout], signal).then(decodeItem) as Promise<T>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Takes the next item, blocking the calling thread while the queue is empty. */
  getSync(options?: WaitOptions): T {
    const timeout = syncWait(options, `${this.constructor.name}.getSync()`);
    return decodeItem(this._requestSync('get', [timeout]) as Encoded) as T;
  }

  /** Takes the next item without waiting: throws `Empty` if there is none. */
  getNowait(): T {
    return decodeItem(this._requestSync('getNowait', []) as Encoded) as T;
  }

  /** The number of items (a round trip; approximate, as in Python, while others use the queue). */
  qsize(): number {
    return this._requestSync('qsize', []) as number;
  }

  /** True if the queue holds no item (a round trip). */
  empty(): boolean {
    return this._requestSync('empty', []) as boolean;
  }

  /** True if a bounded queue is full (a round trip). */
  full(): boolean {
    return this._requestSync('full', []) as boolean;
  }

  /**
   * Python's `close()`: this process puts nothing more on the queue (a later put throws
   * `ValueError`); what it put is still delivered. Other processes are not affected.
   */
  close(): void {
    this.#closed = true;
  }

  /**
   * Python's `join_thread()`: resolves once every put this process made on the queue has
   * reached it. Only after `close()`, as in Python.
   */
  async joinThread(): Promise<void> {
    if (!this.#closed) throw new ValueError(`${this.describe()} is still open: close() it first`);
    await this.#puts?.catch(() => {});
  }

  /**
   * Python's `cancel_join_thread()`: this process's later puts need not reach the queue before
   * it exits (by default a process exits only once they have).
   */
  cancelJoinThread(): void {
    this.#deliver = false;
  }

  /** @internal Shuts the queue down (for the subclasses that have `shutdown`). */
  protected _shutdown(immediate: boolean): void {
    this._post('shutdown', [immediate]);
  }

  /** `for await (const item of q)`: takes items until the queue is shut down and empty. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilShutDown(() => this.get());
  }

  protected describe(): string {
    return `<${this.constructor.name} #${this._id} maxsize=${this.maxsize} (process-wide)>`;
  }
}
