/**
 * S40: `Pool(4).map(square, [1, 2, 3, 4, 5])` — the results in input order, computed in four
 * worker processes.
 *
 * Python:
 *   def square(n): return n * n
 *   if __name__ == "__main__":
 *       with Pool(4) as pool:
 *           results = pool.map(square, [1, 2, 3, 4, 5])
 *       print(results)  # [1, 4, 9, 16, 25]
 */
import { Pool } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** The task: each worker process imports this module and calls it. */
export function square(n: number): number {
  return n * n;
}

const seed = defineSeed({
  id: 'S40',
  title: 'Pool(4).map(square, [1..5])',
  python: '[1, 4, 9, 16, 25]',
  async run(out) {
    let results: number[];
    {
      await using pool = new Pool(4);
      results = await pool.map(square, [1, 2, 3, 4, 5]);
    }
    out.log(`[${results.join(', ')}]`);
    return `Pool(4).map(square, [1..5]) = [${results.join(', ')}], in input order`;
  },
});

export default seed;
runIfMain(import.meta, seed);
