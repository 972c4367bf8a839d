/**
 * What the process locks and semaphores share: `acquire()` (Promise) and `acquireSync()`
 * (blocking) with `{ timeout, signal }`, asking the broker and turning its answer into a
 * releaser or `false`.
 */
import type { Releaser } from '../_internal/releaser.js';
import type { WaitOptions } from '../_internal/validate.js';
import { asyncWait, BrokerObject, syncWait } from './_broker/proxy.js';

export abstract class BrokerAcquirable extends BrokerObject {
  /** The releaser for the broker's answer (an `Acquired` value), or `false` for `No`. */
  protected abstract _granted(answer: number): Releaser | false;

  /**
   * Acquires without blocking the event loop, waiting in FIFO order. Resolves to a releaser
   * (for `using`), or to `false` if `timeout` passed first; rejects with the reason if
   * `signal` aborts first.
   */
  acquire(options?: { signal?: AbortSignal | undefined }): Promise<Releaser>;
  acquire(options: WaitOptions): Promise<Releaser | false>;
  async acquire(options?: WaitOptions): Promise<Releaser | false> {
    const { timeout, signal } = asyncWait(options);
    return this._granted((await this._request('acquire', [timeout], signal)) as number);
  }

  /** Acquires, blocking the calling thread. Returns a releaser, or `false` on timeout. */
  acquireSync(options?: { signal?: AbortSignal | undefined }): Releaser;
  acquireSync(options: WaitOptions): Releaser | false;
  acquireSync(options?: WaitOptions): Releaser | false {
    const timeout = syncWait(options, `${this.constructor.name}.acquireSync()`);
    return this._granted(this._requestSync('acquire', [timeout]) as number);
  }
}
