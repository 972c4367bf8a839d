/**
 * The benchmark's task functions, shared by weft (which imports them by reference) and by
 * the anchors' worker files.
 */
export function noop(x: unknown): unknown {
  return x;
}

/** About `ms` of CPU work (a fixed loop, so every pool runs the same work). */
export function cpu(iterations: number): number {
  let s = 0;
  for (let i = 0; i < iterations; i++) s = (s + i * i) % 1_000_003;
  return s;
}

/** Sleeps `ms` (an async target: weft runs it as a virtual thread). */
export async function nap(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
