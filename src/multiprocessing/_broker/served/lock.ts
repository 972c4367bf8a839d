/**
 * The broker's `Lock` and `RLock`: an owner, a recursion count (RLock), a FIFO of waiters.
 * A released lock goes straight to the head waiter. A lock whose owner ended is taken over by
 * the next acquirer, who learns it (`ownerDied`), as with the thread locks.
 */
import { park, WaiterList } from '../../../asyncio/_waiter.js';
import { RuntimeError } from '../../../errors.js';
import { type Call, type Owner, resolveZero, type Served, unknownMethod } from './served.js';

/** What an acquire resolves to on the wire. */
export const Acquired = { No: 0, Yes: 1, OwnerDied: 2 } as const;

export class ServedLock implements Served {
  #owner: Owner | null = null;
  #count = 0;
  /** The last owner ended while holding it, and nobody has taken it since. */
  #orphaned = false;
  readonly #waiters = new WaiterList<number>();

  constructor(readonly reentrant: boolean) {}

  call(call: Call, method: string, args: unknown[]): unknown {
    switch (method) {
      case 'acquire':
        return this.acquire(call, args[0] as number | undefined);
      case 'release':
        return this.release(call.owner);
      case 'locked':
        return this.locked();
      default:
        return unknownMethod(this.reentrant ? 'RLock' : 'Lock', method);
    }
  }

  get owner(): Owner | null {
    return this.#owner;
  }

  locked(): boolean {
    return this.#owner !== null || this.#orphaned;
  }

  /** Free now: nobody holds it and nobody waits (a dead owner's lock is not free). */
  get free(): boolean {
    return this.#owner === null && !this.#orphaned;
  }

  acquire(call: Call, timeout: number | undefined): number | Promise<number> {
    const me = call.owner;
    if (this.reentrant && this.#owner === me) {
      this.#count++;
      return Acquired.Yes;
    }
    if (this.#owner === null && this.#waiters.size === 0) return this.#take(me);
    if (timeout === 0) return Acquired.No;
    return park(this.#waiters, timeout, call.signal, undefined, resolveZero, me);
  }

  /** Acquires for `owner` and restores a recursion count (Condition.wait's end). */
  async reacquire(owner: Owner, count: number, signal: AbortSignal): Promise<void> {
    if (this.#owner === null && this.#waiters.size === 0) this.#take(owner);
    else await park(this.#waiters, undefined, signal, undefined, resolveZero, owner);
    this.#count = count;
  }

  release(owner: Owner): void {
    if (this.reentrant) {
      if (this.#owner !== owner) throw new RuntimeError('cannot release un-acquired lock');
      if (--this.#count > 0) return;
    } else if (this.#owner === null) {
      if (!this.#orphaned) throw new RuntimeError('release unlocked lock');
      this.#orphaned = false;
      return;
    }
    this.#owner!.unhold(this);
    this.#owner = null;
    this.#count = 0;
    this.#passOn();
  }

  /** Releases completely for Condition.wait; returns the recursion count to restore. */
  releaseAll(owner: Owner): number {
    const count = this.#count;
    this.#count = 1;
    this.release(owner);
    return count;
  }

  #take(owner: Owner): number {
    this.#owner = owner;
    this.#count = 1;
    owner.hold(this);
    if (!this.#orphaned) return Acquired.Yes;
    this.#orphaned = false;
    return Acquired.OwnerDied;
  }

  #passOn(): void {
    const next = this.#waiters.shift();
    if (next) next.settle(this.#take(next.data as Owner));
  }

  ownerGone(owner: Owner): void {
    if (this.#owner !== owner) return;
    this.#owner = null;
    this.#count = 0;
    this.#orphaned = true;
    this.#passOn();
  }

  dispose(reason: Error): void {
    this.#waiters.failAll(() => reason);
  }
}
