/**
 * `Barrier` (Python's `threading.Barrier`) for real threads: `parties` threads wait until all
 * have arrived, then all go on together; the barrier is then ready for the next round.
 */
import {
  type Descriptor,
  deferReady,
  defineShared,
  reviveDescriptor,
  SharedObject,
} from '../_internal/handle.js';
import {
  assertMayBlock,
  deadlineOf,
  remaining,
  runAsync,
  runSync,
  type Steps,
} from '../_internal/park.js';
import { currentIdent } from '../_internal/registry.js';
import {
  checkFunction,
  checkInt,
  checkOptions,
  checkTimeout,
  checkWaitOptions,
  type WaitOptions,
} from '../_internal/validate.js';
import { BrokenBarrierError } from '../errors.js';
import {
  preloadTaskRef,
  resolveTaskRef,
  resolveTaskRefSync,
  type TaskRef,
  toTaskRef,
} from '../runtime/task_ref.js';
import { Condition } from './condition.js';
import { Lock } from './lock.js';

/**
 * Layout of the barrier's own buffer; every word is read and written (plain) only by threads
 * holding the barrier's lock.
 *
 * | word | name | meaning |
 * |---|---|---|
 * | 0 | STATE | FILLING 0, DRAINING 1, RESETTING -1, BROKEN -2 (CPython's states) |
 * | 1 | COUNT | threads inside `wait` |
 * | 2 | PARTIES | constant |
 */
const STATE = 0;
const COUNT = 1;
const PARTIES = 2;
const FILLING = 0;
const DRAINING = 1;
const RESETTING = -1;
const BROKEN = -2;

/** Options of a barrier. */
export interface BarrierOptions {
  /**
   * Called by one of the threads (the last to arrive) before any is released. It runs in
   * that thread, so it crosses like a thread's target: exported from its module, or
   * self-contained. If it throws, the barrier breaks.
   */
  action?: (() => unknown) | undefined;
  /** Default timeout of `wait`, in milliseconds. */
  timeout?: number | undefined;
}

interface Extra {
  lock: Descriptor;
  cond: Descriptor;
  action?: TaskRef | undefined;
  timeout?: number | undefined;
}

/**
 * A barrier for a fixed number of threads, reusable round after round.
 *
 * `wait()` (Promise) and `waitSync()` (blocking) return the arrival index, 0 … parties−1.
 * A timeout breaks the barrier: every waiter, then and later, gets `BrokenBarrierError`
 * until `reset()`. `abort()` breaks it on purpose.
 *
 * @example
 * ```ts
 * import { Barrier, Thread } from 'weft/threading';
 *
 * export function runner(b: Barrier, id: number) {
 *   // ... get ready ...
 *   const i = b.waitSync();           // all three start together
 *   if (i === 0) console.log('all ready');
 * }
 * const start = new Barrier(3);
 * for (let id = 0; id < 3; id++) new Thread({ target: runner, args: [start, id] }).start();
 * // async form: await start.wait({ timeout: 5000 })
 * ```
 */
export class Barrier extends SharedObject {
  readonly #w: Int32Array;
  readonly #lock: Lock;
  readonly #cond: Condition;
  readonly #defaultTimeout: number | undefined;
  #action: Function | undefined;
  readonly #actionRef: TaskRef | undefined;

  constructor(parties: number, options?: BarrierOptions, descriptor?: Descriptor) {
    let extra: Extra;
    let lock: Lock;
    let cond: Condition;
    let action: Function | undefined;
    if (descriptor) {
      extra = descriptor.extra as Extra;
      lock = reviveDescriptor<Lock>(extra.lock);
      cond = reviveDescriptor<Condition>(extra.cond);
    } else {
      checkInt(parties, 'parties', 1);
      const opts = checkOptions(options, 'options', ['action', 'timeout']);
      if (opts.action !== undefined) action = checkFunction(opts.action, 'action');
      lock = new Lock();
      cond = new Condition(lock);
      extra = {
        lock: lock.$weft,
        cond: cond.$weft,
        action: action ? toTaskRef(action, 'action') : undefined,
        timeout: checkTimeout(opts.timeout),
      };
    }
    super('Barrier', descriptor?.buffer ?? new SharedArrayBuffer(16), extra, descriptor);
    this.#w = new Int32Array(this.$weft.buffer!);
    if (!descriptor) this.#w[PARTIES] = parties;
    this.#lock = lock;
    this.#cond = cond;
    this.#defaultTimeout = extra.timeout;
    this.#actionRef = extra.action;
    this.#action = action;
    if (descriptor && extra.action) deferReady(preloadTaskRef(extra.action));
  }

  /** Number of threads the barrier waits for. */
  get parties(): number {
    return this.#w[PARTIES]!;
  }

  /** Number of threads waiting now. */
  get nWaiting(): number {
    return Atomics.load(this.#w, STATE) === FILLING ? Atomics.load(this.#w, COUNT) : 0;
  }

  /** True if the barrier is broken. */
  get broken(): boolean {
    return Atomics.load(this.#w, STATE) === BROKEN;
  }

  /**
   * Waits until all parties have arrived. Resolves to this thread's arrival index; rejects
   * with `BrokenBarrierError` if the barrier breaks (a timeout, `abort()`, `reset()` while
   * waiting, or the action threw).
   */
  async wait(options?: WaitOptions): Promise<number> {
    const { timeout, signal } = checkWaitOptions(options);
    if (!this.#action && this.#actionRef) this.#action = await resolveTaskRef(this.#actionRef);
    return runAsync(
      this.#steps(currentIdent(), deadlineOf(timeout ?? this.#defaultTimeout)),
      signal,
    );
  }

  /** Like {@link wait}, blocking the calling thread. */
  waitSync(options?: WaitOptions): number {
    assertMayBlock('Barrier.waitSync()');
    const { timeout, signal } = checkWaitOptions(options);
    if (!this.#action && this.#actionRef) this.#action = resolveTaskRefSync(this.#actionRef);
    return runSync(
      this.#steps(currentIdent(), deadlineOf(timeout ?? this.#defaultTimeout)),
      signal,
    );
  }

  *#steps(me: number, deadline: number | undefined): Steps<number> {
    const w = this.#w;
    yield* this.#lock._acquireSteps(me, undefined);
    try {
      while (w[STATE] === DRAINING || w[STATE] === RESETTING)
        yield* this.#cond._waitSteps(me, undefined);
      if (w[STATE] === BROKEN) throw new BrokenBarrierError('barrier is broken');
      const index = w[COUNT]++;
      try {
        if (index + 1 === w[PARTIES]) this.#release();
        else {
          while (w[STATE] === FILLING) {
            if (remaining(deadline) === 0) {
              this.#break();
              throw new BrokenBarrierError('barrier timed out');
            }
            yield* this.#cond._waitSteps(me, deadline);
          }
          if (w[STATE] < 0) throw new BrokenBarrierError('barrier is broken');
        }
        return index;
      } catch (err) {
        // An aborted wait leaves: the others would wait for it forever, so break the barrier.
        if (!(err instanceof BrokenBarrierError)) this.#break();
        throw err;
      } finally {
        w[COUNT]!--;
        if (w[COUNT] === 0 && (w[STATE] === RESETTING || w[STATE] === DRAINING)) {
          w[STATE] = FILLING;
          this.#cond._notifyHeld(Number.POSITIVE_INFINITY);
        }
      }
    } finally {
      this.#lock.release();
    }
  }

  /** The last party arrived: run the action, then let everyone go. */
  #release(): void {
    try {
      if (this.#actionRef) {
        const action = this.#action ?? resolveTaskRefSync(this.#actionRef);
        if (!action)
          throw new BrokenBarrierError(
            `barrier action ${this.#actionRef.name} is not loaded in this thread`,
          );
        action();
      }
      this.#w[STATE] = DRAINING;
      this.#cond._notifyHeld(Number.POSITIVE_INFINITY);
    } catch (err) {
      this.#break();
      throw err;
    }
  }

  #break(): void {
    this.#w[STATE] = BROKEN;
    this.#cond._notifyHeld(Number.POSITIVE_INFINITY);
  }

  /** Returns the barrier to its initial state; threads waiting now get `BrokenBarrierError`. */
  reset(): void {
    this.#withLock(() => {
      const w = this.#w;
      if (w[COUNT]! > 0) {
        if (w[STATE] === FILLING || w[STATE] === BROKEN) w[STATE] = RESETTING;
      } else w[STATE] = FILLING;
      this.#cond._notifyHeld(Number.POSITIVE_INFINITY);
    });
  }

  /** Breaks the barrier: waiting and future `wait` calls fail until `reset()`. */
  abort(): void {
    this.#withLock(() => this.#break());
  }

  #withLock(fn: () => void): void {
    this.#lock._acquireBlocking();
    try {
      fn();
    } finally {
      this.#lock.release();
    }
  }

  protected describe(): string {
    const states: Record<number, string> = {
      0: 'filling',
      1: 'draining',
      [-1]: 'resetting',
      [-2]: 'broken',
    };
    return `<Barrier #${this.$weft.uid} ${this.nWaiting}/${this.parties} ${states[this.#w[STATE]!]}>`;
  }
}

defineShared('Barrier', (d) => new Barrier(0, undefined, d));
