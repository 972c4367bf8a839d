/**
 * The futex: the one place weft waits on shared memory.
 *
 * Every cross-thread primitive is built on three operations on an `Int32Array` word:
 * `waitSync` (blocks the thread with `Atomics.wait`), `waitAsync` (a Promise through
 * `Atomics.waitAsync`, never blocking the event loop) and `notify`. A waiter always passes the
 * value it last read (`expected`): if the word changed in between, the wait returns at once
 * with `'not-equal'`, which is what makes wakeups impossible to lose — never wait on a
 * constant, always on a word that the notifier changes before notifying.
 *
 * Two Node.js facts shape `waitAsync`:
 * - A pending `Atomics.waitAsync` does not keep the event loop alive. `waitAsync` holds one
 *   referenced timer for as long as any wait is pending in this thread (the keep-alive).
 * - An `Atomics.waitAsync` cannot be cancelled. A caller that gives up early (its signal
 *   aborted) abandons the wait; if that abandoned wait is later woken it has absorbed a
 *   wakeup meant for someone else, so the caller supplies `onAbandonedWake` to pass it on.
 */

/** How a wait ended. */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

let pending = 0;
let keepAlive: NodeJS.Timeout | undefined;

function hold(): void {
  if (pending++ === 0) {
    if (keepAlive) keepAlive.ref();
    else keepAlive = setInterval(() => {}, 1 << 30);
  }
}

function releaseHold(): void {
  if (--pending === 0) keepAlive!.unref();
}

/** Number of async waits pending in this thread (for tests and diagnostics). */
export function pendingAsyncWaits(): number {
  return pending;
}

/**
 * Blocks this thread until `arr[index]` is notified, or `timeoutMs` passes, or returns at once
 * if `arr[index] !== expected`. On the main thread this freezes the event loop: the
 * primitives only call it from their `*Sync` forms.
 */
export function waitSync(
  arr: Int32Array,
  index: number,
  expected: number,
  timeoutMs?: number,
): WaitResult {
  return Atomics.wait(arr, index, expected, timeoutMs ?? Number.POSITIVE_INFINITY);
}

/** Wakes up to `count` waiters (sync or async, in FIFO order) on `arr[index]`; returns how many woke. */
export function notify(arr: Int32Array, index: number, count = Number.POSITIVE_INFINITY): number {
  return Atomics.notify(arr, index, count);
}

/**
 * Waits without blocking the event loop. Resolves like {@link waitSync}. If `signal` aborts
 * first, resolves `'aborted'` at once and abandons the underlying wait: should that wait
 * later be woken, `onAbandonedWake` runs so the wakeup can be passed on.
 */
export function waitAsync(
  arr: Int32Array,
  index: number,
  expected: number,
  timeoutMs: number | undefined,
  signal?: AbortSignal,
  onAbandonedWake?: () => void,
): Promise<WaitResult | 'aborted'> {
  if (signal?.aborted) return Promise.resolve('aborted');
  const w = Atomics.waitAsync(arr, index, expected, timeoutMs ?? Number.POSITIVE_INFINITY);
  if (!w.async) return Promise.resolve(w.value);
  hold();
  if (!signal) {
    return w.value.then((r) => {
      releaseHold();
      return r;
    });
  }
  return new Promise((resolve) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      releaseHold();
      resolve('aborted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    w.value.then((r) => {
      if (settled) {
        if (r === 'ok') onAbandonedWake?.();
        return;
      }
      settled = true;
      signal.removeEventListener('abort', onAbort);
      releaseHold();
      resolve(r);
    });
  });
}
