/**
 * The broker's `Barrier`: `parties` callers wait, then all go on together, round after round.
 * When the barrier has an action, the last caller to arrive is told to run it (in its own
 * process, as Python runs it in the last thread) and reports back with `actionDone`; only then
 * are the others released, or the barrier breaks if the action failed. A timeout, a cancelled
 * or ended waiter, or `abort()` breaks the barrier until `reset()`.
 */
import { park, type Waiter, WaiterList } from '../../../asyncio/_waiter.js';
import { BrokenBarrierError } from '../../../errors.js';
import { type Call, type Served, unknownMethod } from './served.js';

/** What `wait` resolves to: the arrival index, and whether the caller must run the action. */
export type BarrierArrival = [index: number, runAction: boolean];

const broken = (): BrokenBarrierError => new BrokenBarrierError();

export class ServedBarrier implements Served {
  #count = 0;
  #broken = false;
  /** The last arrival is running the action; the round is not released yet. */
  #inAction = false;
  readonly #waiters = new WaiterList<BarrierArrival>();

  constructor(
    readonly parties: number,
    readonly hasAction: boolean,
  ) {}

  call(call: Call, method: string, args: unknown[]): unknown {
    switch (method) {
      case 'wait':
        return this.#wait(call, args[0] as number | undefined);
      case 'actionDone':
        this.#inAction = false;
        if (args[0]) this.#release();
        else this.#break();
        return undefined;
      case 'reset':
        this.#break();
        this.#broken = false;
        return undefined;
      case 'abort':
        this.#break();
        return undefined;
      case 'state':
        return [this.#count, this.#broken];
      default:
        return unknownMethod('Barrier', method);
    }
  }

  async #wait(call: Call, timeout: number | undefined): Promise<BarrierArrival> {
    if (this.#broken || this.#inAction) throw broken();
    const index = this.#count++;
    if (this.#count === this.parties) {
      if (this.hasAction) {
        this.#inAction = true;
        return [index, true];
      }
      this.#release();
      return [index, false];
    }
    try {
      return await park(this.#waiters, timeout, call.signal, undefined, onTimeout, index);
    } catch (err) {
      this.#break();
      throw err;
    }
  }

  #release(): void {
    this.#count = 0;
    for (let w = this.#waiters.shift(); w; w = this.#waiters.shift())
      w.settle([w.data as number, false]);
  }

  #break(): void {
    this.#broken = true;
    this.#count = 0;
    this.#waiters.failAll(broken);
  }

  dispose(reason: Error): void {
    this.#waiters.failAll(() => reason);
  }
}

function onTimeout(waiter: Waiter<BarrierArrival>): void {
  waiter.reject(broken());
}
