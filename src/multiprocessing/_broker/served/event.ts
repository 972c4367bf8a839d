/** The broker's `Event`: a flag and the callers waiting for it to be set. */
import { park, resolveFalse, WaiterList } from '../../../asyncio/_waiter.js';
import { type Call, type Served, unknownMethod } from './served.js';

export class ServedEvent implements Served {
  #flag = false;
  readonly #waiters = new WaiterList<boolean>();

  call(call: Call, method: string, args: unknown[]): unknown {
    switch (method) {
      case 'set':
        this.#flag = true;
        this.#waiters.grantAll(true);
        return undefined;
      case 'clear':
        this.#flag = false;
        return undefined;
      case 'isSet':
        return this.#flag;
      case 'wait': {
        if (this.#flag) return true;
        const timeout = args[0] as number | undefined;
        if (timeout === 0) return false;
        return park(this.#waiters, timeout, call.signal, undefined, resolveFalse);
      }
      default:
        return unknownMethod('Event', method);
    }
  }

  dispose(reason: Error): void {
    this.#waiters.failAll(() => reason);
  }
}
