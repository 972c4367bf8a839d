/** `Event` (Python's `multiprocessing.Event`): a flag shared by every process of the tree. */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import type { WaitOptions } from '../_internal/validate.js';
import { asyncWait, BrokerObject, syncWait } from './_broker/proxy.js';

/**
 * A flag shared by every process of the tree: `set()`, `clear()`, `isSet()`, and `wait()`
 * (Promise) or `waitSync()` (blocking) until it is set, with `{ timeout, signal }`; both
 * resolve to the flag (`false` after a timeout). Same API as `weft/threading`'s `Event`.
 *
 * @example
 * ```ts
 * import { Event, Process } from 'weft/multiprocessing';
 * export async function waiter(ready: Event) {
 *   await ready.wait();
 *   console.log('go');
 * }
 * const ready = new Event();
 * new Process({ target: waiter, args: [ready] }).start();
 * ready.set();
 * ```
 */
export class Event extends BrokerObject {
  constructor(descriptor?: Descriptor) {
    super('mp.Event', (id) => ({ specs: [[id, 'Event']] }), descriptor);
  }

  /** Sets the flag and wakes every waiter (sent without waiting). */
  set(): void {
    this._post('set', []);
  }

  /** Clears the flag (sent without waiting). */
  clear(): void {
    this._post('clear', []);
  }

  /** The flag (a round trip). */
  isSet(): boolean {
    return this._requestSync('isSet', []) as boolean;
  }

  /** Waits for the flag without blocking the event loop; resolves to it (false on timeout). */
  async wait(options?: WaitOptions): Promise<boolean> {
    const { timeout, signal } = asyncWait(options);
    return (await this._request('wait', [timeout], signal)) as boolean;
  }

  /** Waits for the flag, blocking the calling thread; returns it (false on timeout). */
  waitSync(options?: WaitOptions): boolean {
    return this._requestSync('wait', [syncWait(options, 'Event.waitSync()')]) as boolean;
  }

  protected describe(): string {
    return `<Event #${this._id} (process-wide)>`;
  }
}

defineShared('mp.Event', (d) => new Event(d));
