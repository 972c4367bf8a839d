/** `Barrier` (Python's `multiprocessing.Barrier`) for the processes of the tree. */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import {
  checkFunction,
  checkInt,
  checkOptions,
  checkTimeout,
  type WaitOptions,
} from '../_internal/validate.js';
import {
  resolveTaskRef,
  resolveTaskRefSync,
  type TaskRef,
  toTaskRef,
} from '../runtime/task_ref.js';
import type { BarrierOptions } from '../shared/barrier.js';
import { asyncWait, BrokerObject, syncWait } from './_broker/proxy.js';
import type { BarrierArrival } from './_broker/served/barrier.js';

interface Info {
  parties: number;
  action?: TaskRef | undefined;
  timeout?: number | undefined;
}

/**
 * A barrier for `parties` processes (or threads of them), reusable round after round. Same
 * API as `weft/threading`'s `Barrier`: `wait()` (Promise) and `waitSync()` (blocking) return
 * the arrival index; the last to arrive runs `action` (in its own process) before anyone goes
 * on; a timeout, `abort()`, or a waiter that leaves breaks it (`BrokenBarrierError`) until
 * `reset()`.
 *
 * @example
 * ```ts
 * import { Barrier, Process } from 'weft/multiprocessing';
 * export async function runner(start: Barrier) {
 *   const i = await start.wait(); // all three go on together
 * }
 * const start = new Barrier(3);
 * for (let i = 0; i < 3; i++) new Process({ target: runner, args: [start] }).start();
 * ```
 */
export class Barrier extends BrokerObject {
  #action: Function | undefined;

  constructor(parties: number, options?: BarrierOptions, descriptor?: Descriptor) {
    super(
      'mp.Barrier',
      (id) => {
        checkInt(parties, 'parties', 1, 0x7fffffff);
        const o = checkOptions(options, 'options', ['action', 'timeout']);
        const info: Info = {
          parties,
          action:
            o.action === undefined
              ? undefined
              : toTaskRef(checkFunction(o.action, 'action'), 'action'),
          timeout: checkTimeout(o.timeout, 'timeout'),
        };
        return { specs: [[id, 'Barrier', parties, info.action !== undefined]], info };
      },
      descriptor,
    );
    if (!descriptor) this.#action = options?.action;
  }

  get #info(): Info {
    return this._extra.info as Info;
  }

  /** The number of parties. */
  get parties(): number {
    return this.#info.parties;
  }

  /** How many wait now (a round trip). */
  get nWaiting(): number {
    return (this._requestSync('state', []) as [number, boolean])[0];
  }

  /** True if the barrier is broken (a round trip). */
  get broken(): boolean {
    return (this._requestSync('state', []) as [number, boolean])[1];
  }

  /** Waits until all parties have arrived; resolves to this caller's arrival index. */
  async wait(options?: WaitOptions): Promise<number> {
    const { timeout, signal } = asyncWait(options);
    const [index, runAction] = (await this._request(
      'wait',
      [timeout ?? this.#info.timeout],
      signal,
    )) as BarrierArrival;
    if (runAction) {
      this.#action ??= await resolveTaskRef(this.#info.action!);
      await this.#runAction();
    }
    return index;
  }

  /** Like {@link wait}, blocking the calling thread. */
  waitSync(options?: WaitOptions): number {
    const timeout = syncWait(options, 'Barrier.waitSync()');
    if (this.#info.action) this.#action ??= resolveTaskRefSync(this.#info.action);
    const [index, runAction] = this._requestSync('wait', [
      timeout ?? this.#info.timeout,
    ]) as BarrierArrival;
    if (runAction) {
      let ok = false;
      try {
        this.#action!();
        ok = true;
      } finally {
        this._requestSync('actionDone', [ok]);
      }
    }
    return index;
  }

  async #runAction(): Promise<void> {
    let ok = false;
    try {
      await this.#action!();
      ok = true;
    } finally {
      await this._request('actionDone', [ok]);
    }
  }

  /** Breaks the barrier for those waiting, then makes it ready for a new round. */
  reset(): void {
    this._requestSync('reset', []);
  }

  /** Breaks the barrier: waiters, now and later, get `BrokenBarrierError` until `reset()`. */
  abort(): void {
    this._requestSync('abort', []);
  }

  protected describe(): string {
    return `<Barrier #${this._id} parties=${this.parties} (process-wide)>`;
  }
}

defineShared('mp.Barrier', (d) => new Barrier(1, undefined, d));
