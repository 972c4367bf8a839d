/**
 * The task that runs one chunk of a `map`: it crosses to the worker by reference like any
 * exported function, with the mapped function as its first argument.
 */

/**
 * Calls `fn` for each item of the chunk, in order — `fn(item)` if `single`, else
 * `fn(...item)` (an argument list) — and resolves to the results, awaiting async ones together.
 * The results go into `into` if given (a worker's reused array), else into a new array.
 */
export function applyChunk(
  fn: Function,
  items: unknown[],
  single: boolean,
  into?: unknown[],
): unknown[] | Promise<unknown[]> {
  let out: unknown[];
  if (into === undefined) out = new Array(items.length);
  else {
    out = into;
    if (out.length !== items.length) out.length = items.length;
  }
  let async = false;
  for (let i = 0; i < items.length; i++) {
    const r = single ? fn(items[i]) : fn(...(items[i] as unknown[]));
    if (r !== null && typeof (r as PromiseLike<unknown>)?.then === 'function') async = true;
    out[i] = r;
  }
  return async ? Promise.all(out) : out;
}
