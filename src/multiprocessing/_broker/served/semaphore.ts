/**
 * The broker's `Semaphore` and `BoundedSemaphore`: a count, a FIFO of waiters and, unless
 * `undo` is off, the permits each owner holds, given back when the owner ends (SysV's
 * SEM_UNDO, as the thread semaphores do).
 */
import { park, WaiterList } from '../../../asyncio/_waiter.js';
import { ValueError } from '../../../errors.js';
import { Acquired } from './lock.js';
import { type Call, type Owner, resolveZero, type Served, unknownMethod } from './served.js';

export class ServedSemaphore implements Served {
  #value: number;
  readonly #waiters = new WaiterList<number>();
  readonly #held = new Map<Owner, number>();

  constructor(
    value: number,
    /** The initial value of a BoundedSemaphore (releasing past it is an error); -1 if unbounded. */
    readonly bound: number,
    readonly undo: boolean,
  ) {
    this.#value = value;
  }

  call(call: Call, method: string, args: unknown[]): unknown {
    switch (method) {
      case 'acquire':
        return this.#acquire(call, args[0] as number | undefined);
      case 'release':
        return this.#release(call.owner, args[0] as number);
      case 'value':
        return this.#value;
      case 'locked':
        return this.#value === 0;
      default:
        return unknownMethod('Semaphore', method);
    }
  }

  #acquire(call: Call, timeout: number | undefined): number | Promise<number> {
    if (this.#value > 0) {
      this.#value--;
      this.#credit(call.owner, 1);
      return Acquired.Yes;
    }
    if (timeout === 0) return Acquired.No;
    return park(this.#waiters, timeout, call.signal, undefined, resolveZero, call.owner);
  }

  #credit(owner: Owner, n: number): void {
    if (!this.undo) return;
    this.#held.set(owner, (this.#held.get(owner) ?? 0) + n);
    owner.hold(this);
  }

  #release(owner: Owner, n: number): void {
    if (this.bound >= 0 && this.#value + n > this.bound)
      throw new ValueError('Semaphore released too many times');
    const held = this.#held.get(owner);
    if (held !== undefined) {
      if (held <= n) {
        this.#held.delete(owner);
        owner.unhold(this);
      } else this.#held.set(owner, held - n);
    }
    this.#give(n);
  }

  #give(n: number): void {
    while (n > 0) {
      const next = this.#waiters.shift();
      if (!next) break;
      this.#credit(next.data as Owner, 1);
      next.settle(Acquired.Yes);
      n--;
    }
    this.#value += n;
  }

  ownerGone(owner: Owner): void {
    const held = this.#held.get(owner);
    if (held === undefined) return;
    this.#held.delete(owner);
    this.#give(held);
  }

  dispose(reason: Error): void {
    this.#waiters.failAll(() => reason);
  }
}
