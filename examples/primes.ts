/**
 * The task module of the S71 example: what its `weft worker` processes serve
 * (`weft worker --tasks dist/examples/primes.js`). Tasks are looked up by export name.
 */
import { hostname } from 'node:os';

/** What one task found, and which worker process found it. */
export interface PrimeCount {
  from: number;
  to: number;
  count: number;
  worker: string;
}

/** Counts the primes in `[from, to)` by trial division: deliberately CPU-heavy. */
export function countPrimes(from: number, to: number): PrimeCount {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return { from, to, count, worker: `${hostname()}:${process.pid}` };
}
