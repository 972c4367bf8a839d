/**
 * The broker's `Condition`, over one of its locks. `wait` releases the lock completely,
 * waits for a notification (FIFO), then takes the lock back with its recursion count; taking
 * it back is not interrupted by a timeout or a cancellation, only by the caller's end.
 */
import { park, resolveFalse, WaiterList } from '../../../asyncio/_waiter.js';
import { RuntimeError } from '../../../errors.js';
import type { ServedLock } from './lock.js';
import { type Call, type Served, unknownMethod } from './served.js';

export class ServedCondition implements Served {
  readonly #waiters = new WaiterList<boolean>();

  constructor(readonly lock: ServedLock) {}

  call(call: Call, method: string, args: unknown[]): unknown {
    switch (method) {
      case 'wait':
        return this.#wait(call, args[0] as number | undefined);
      case 'notify':
        this.#checkOwned(call, 'notify on');
        for (let n = args[0] as number; n > 0 && this.#waiters.grant(true); n--);
        return undefined;
      case 'notifyAll':
        this.#checkOwned(call, 'notify on');
        this.#waiters.grantAll(true);
        return undefined;
      default:
        return unknownMethod('Condition', method);
    }
  }

  #checkOwned(call: Call, what: string): void {
    if (this.lock.owner !== call.owner) throw new RuntimeError(`cannot ${what} un-acquired lock`);
  }

  async #wait(call: Call, timeout: number | undefined): Promise<boolean> {
    this.#checkOwned(call, 'wait on');
    const saved = this.lock.releaseAll(call.owner);
    let notified: boolean;
    try {
      notified = await park(this.#waiters, timeout, call.signal, undefined, resolveFalse);
    } finally {
      await this.lock.reacquire(call.owner, saved, call.peer.signal);
    }
    return notified;
  }

  dispose(reason: Error): void {
    this.#waiters.failAll(() => reason);
  }
}
