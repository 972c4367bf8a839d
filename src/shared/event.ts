/**
 * `Event` (Python's `threading.Event`) for real threads: a flag in shared memory that threads
 * can wait for.
 */

import { notify } from '../_internal/futex.js';
import { type Descriptor, defineShared, SharedObject } from '../_internal/handle.js';
import {
  assertMayBlock,
  deadlineOf,
  remaining,
  runAsync,
  runSync,
  type Steps,
  slice,
} from '../_internal/park.js';
import { checkWaitOptions, type WaitOptions } from '../_internal/validate.js';

/**
 * Layout: FLAG (word 0): 0 clear, 1 set — `set()` stores 1 then notifies every waiter on the
 * word; waiters sleep on it expecting 0, so a `set()` between their check and their sleep
 * makes the sleep return at once. UID (word 1): registry uid.
 */
const FLAG = 0;
const UID = 1;

/**
 * An event flag shared by threads.
 *
 * @example
 * ```ts
 * import { Event } from 'weft/threading';
 *
 * const light = new Event();
 * // in a car thread (blocking form)
 * light.waitSync();
 * // on the main thread (async form), with a timeout
 * if (!(await light.wait({ timeout: 5000 }))) console.log('still red');
 * // the traffic light
 * light.set();
 * ```
 */
export class Event extends SharedObject {
  readonly #w: Int32Array;

  constructor(descriptor?: Descriptor) {
    const buffer = descriptor?.buffer ?? new SharedArrayBuffer(16);
    super('Event', buffer, undefined, descriptor);
    this.#w = new Int32Array(buffer);
    if (!descriptor) this.#w[UID] = this.$weft.uid;
  }

  /** True once set (until cleared). */
  isSet(): boolean {
    return Atomics.load(this.#w, FLAG) === 1;
  }

  /** Sets the flag and wakes every waiting thread. */
  set(): void {
    Atomics.store(this.#w, FLAG, 1);
    notify(this.#w, FLAG);
  }

  /** Clears the flag: later waits block until the next `set()`. */
  clear(): void {
    Atomics.store(this.#w, FLAG, 0);
  }

  /** Waits until the flag is set. Resolves true, or false if `timeout` passed first. */
  wait(options?: WaitOptions): Promise<boolean> {
    try {
      const { timeout, signal } = checkWaitOptions(options);
      if (this.isSet()) return Promise.resolve(true);
      return runAsync(this.#steps(deadlineOf(timeout)), signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Like {@link wait}, blocking the calling thread. */
  waitSync(options?: WaitOptions): boolean {
    assertMayBlock('Event.waitSync()');
    const { timeout, signal } = checkWaitOptions(options);
    if (this.isSet()) return true;
    return runSync(this.#steps(deadlineOf(timeout)), signal);
  }

  *#steps(deadline: number | undefined): Steps<boolean> {
    const w = this.#w;
    while (Atomics.load(w, FLAG) === 0) {
      if (remaining(deadline) === 0) return false;
      yield { arr: w, index: FLAG, expected: 0, timeout: slice(deadline) };
    }
    return true;
  }

  protected describe(): string {
    return `<Event #${this.#w[UID]} ${this.isSet() ? 'set' : 'unset'}>`;
  }
}

defineShared('Event', (d) => new Event(d));
