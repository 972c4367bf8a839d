/**
 * Waiting for a promise with a timeout and an abort signal, without giving up on the promise:
 * Python's `wait(timeout)` and `communicate(timeout)` raise on the deadline but leave the child
 * running, and a later call can wait for the same outcome again; a manager's call stops
 * waiting for its reply while the call runs on.
 */

/** What {@link within} resolves to when the timeout passes first. */
export const TIMED_OUT: unique symbol = Symbol('weft.timedOut');

/** The longest delay `setTimeout` takes; longer timeouts are waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Settles as `promise` does, or resolves to {@link TIMED_OUT} once `timeout` milliseconds
 * have passed, or rejects with `signal.reason` when `signal` aborts, whichever comes first.
 * `promise` itself is left alone.
 */
export function within<T>(
  promise: Promise<T>,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
): Promise<T | typeof TIMED_OUT> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (timeout === undefined && signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      settle();
      reject(signal!.reason);
    };
    const settle = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const arm = (left: number): void => {
      timer = setTimeout(
        () => {
          if (left > MAX_TIMER_MS) return arm(left - MAX_TIMER_MS);
          settle();
          resolve(TIMED_OUT);
        },
        Math.min(left, MAX_TIMER_MS),
      );
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== undefined) arm(timeout);
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (err: unknown) => {
        settle();
        reject(err);
      },
    );
  });
}
