/** Helpers shared by the asyncio tests: handshakes and promise-state probes, no sleeps. */

/** Every test gets this timeout, so a bug fails fast instead of hanging. */
export const T = { timeout: 10_000 } as const;

/** Resolves after the current macrotask (all pending microtasks have run). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether `p` has settled, seen after a full turn of the event loop. */
export async function state(
  p: PromiseLike<unknown>,
): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let s: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  Promise.resolve(p).then(
    () => {
      s = 'fulfilled';
    },
    () => {
      s = 'rejected';
    },
  );
  await tick();
  return s;
}

/** The error `p` rejects with (fails if it resolves). */
export async function rejection(p: PromiseLike<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** A promise with its resolve function, for handshakes. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Elapsed milliseconds since `t0` (`performance.now()` clock). */
export function since(t0: number): number {
  return performance.now() - t0;
}
