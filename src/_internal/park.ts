/**
 * One algorithm, two ways to wait.
 *
 * The slow path of every cross-thread primitive is written once, as a generator that yields
 * {@link Park} requests ("wait on this word while it holds this value, for at most this
 * long") and receives how the wait ended. {@link runSync} drives it with `Atomics.wait`
 * (the `*Sync` forms), {@link runAsync} with `Atomics.waitAsync` (the Promise forms). The
 * algorithm never knows which; the sync and async forms cannot drift apart.
 *
 * Cancellation: before each wait both drivers check the signal; the async driver also stops
 * a wait in progress when the signal aborts. Either way the generator receives the signal's
 * reason through `throw()`, once, so its `finally` blocks undo what it registered (waiter
 * counts, wait records) before the error reaches the caller. A `finally` may itself wait
 * (a condition variable re-acquires its lock before it lets the error out); those waits run
 * without the signal.
 */
import { RuntimeError } from '../errors.js';
import { effectiveSignal } from './cancellation.js';
import { type WaitResult, waitAsync, waitSync } from './futex.js';
import { inVirtualThread } from './registry.js';
import { changedSoon } from './spin.js';

/** A wait request yielded by a primitive's slow path. */
export interface Park {
  arr: Int32Array;
  index: number;
  expected: number;
  /** Milliseconds; undefined waits until notified. */
  timeout?: number | undefined;
  /**
   * Runs if an async wait abandoned because its signal aborted is woken later: the wakeup was
   * meant for someone, so the primitive passes it on.
   */
  onAbandonedWake?: (() => void) | undefined;
}

/** A slow path: yields waits, receives their results, returns the call's result. */
export type Steps<T> = Generator<Park, T, WaitResult>;

/** The reason to reject with when `signal` aborted. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Runs `steps` blocking the calling thread. */
export function runSync<T>(steps: Steps<T>, signal?: AbortSignal): T {
  let r = steps.next();
  while (!r.done) {
    if (signal?.aborted) {
      const reason = abortReason(signal);
      signal = undefined;
      r = steps.throw(reason);
      continue;
    }
    const p = r.value;
    // Poll a little first: on another core the word usually changes within microseconds,
    // far sooner than a sleeping thread could be woken.
    r = steps.next(
      changedSoon(p.arr, p.index, p.expected)
        ? 'not-equal'
        : waitSync(p.arr, p.index, p.expected, p.timeout),
    );
  }
  return r.value;
}

/**
 * Throws if the calling code runs in a virtual thread, where a blocking wait would stall
 * every other thread sharing its isolate. Every `*Sync` call checks it first.
 */
export function assertMayBlock(what: string): void {
  if (inVirtualThread()) {
    throw new RuntimeError(
      `${what} would block a virtual thread and, with it, the other threads sharing its isolate: ` +
        `use the async form (await …) or start the thread with { isolate: 'own' }`,
    );
  }
}

/**
 * Runs `steps` without blocking the event loop. Inside a weft Task (or TaskGroup, or timeout
 * scope), the wait also ends when that is cancelled, as Python's CancelledError would.
 */
export async function runAsync<T>(steps: Steps<T>, signal?: AbortSignal): Promise<T> {
  signal = effectiveSignal(signal);
  let r = steps.next();
  while (!r.done) {
    const p = r.value;
    const result = await waitAsync(
      p.arr,
      p.index,
      p.expected,
      p.timeout,
      signal,
      p.onAbandonedWake,
    );
    if (result === 'aborted') {
      const reason = abortReason(signal!);
      signal = undefined;
      r = steps.throw(reason);
    } else r = steps.next(result);
  }
  return r.value;
}

/** Milliseconds left until `deadline` (a `performance.now()` time), or undefined for none. */
export function remaining(deadline: number | undefined): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
}

/** The deadline for a timeout, as a `performance.now()` time. */
export function deadlineOf(timeout: number | undefined): number | undefined {
  return timeout === undefined ? undefined : performance.now() + timeout;
}

/**
 * How long one wait lasts at most. Blocked waiters wake this often to look for an owner that
 * died; it bounds how long an abandoned async wait stays registered.
 */
export const SLICE_MS = 100;

/** The timeout of the next wait: the time left, capped at one slice. */
export function slice(deadline: number | undefined): number {
  const left = remaining(deadline);
  return left === undefined ? SLICE_MS : Math.min(left, SLICE_MS);
}
