/**
 * The task that runs one chunk of a `map`: it crosses to the worker by reference like any
 * exported function, with the mapped function as its first argument.
 */

/**
 * Calls `fn(...args)` for each argument list of the chunk, in order; resolves to the results
 * (awaiting async ones together).
 */
export function applyChunk(fn: Function, argLists: unknown[][]): unknown[] | Promise<unknown[]> {
  const out = new Array(argLists.length);
  let async = false;
  for (let i = 0; i < argLists.length; i++) {
    const r = fn(...argLists[i]!);
    if (r !== null && typeof (r as PromiseLike<unknown>)?.then === 'function') async = true;
    out[i] = r;
  }
  return async ? Promise.all(out) : out;
}
