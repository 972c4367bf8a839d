/**
 * S45: `result()` re-raises the task's exception — in weft with the class name, message and
 * the worker's stack.
 *
 * Python:
 *   def divide(a, b): return a / b
 *   f = pool.submit(divide, 1, 0)
 *   f.result()   # ZeroDivisionError: division by zero
 */
import { ThreadPoolExecutor } from 'weft/futures';
import { defineSeed, runIfMain } from './_seed.js';

export class ZeroDivisionError extends Error {
  override name = 'ZeroDivisionError';
}

export function divide(a: number, b: number): number {
  if (b === 0) throw new ZeroDivisionError('division by zero');
  return a / b;
}

const seed = defineSeed({
  id: 'S45',
  title: "result() re-raises the task's exception",
  python: 'ZeroDivisionError: division by zero',
  async run(out) {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    out.log(`divide(1, 2) = ${await pool.submit(divide, 1, 2).result()}`);
    try {
      await pool.submit(divide, 1, 0).result();
      return 'no error?!';
    } catch (err) {
      const e = err as Error;
      const where = e.stack?.split('\n').find((l) => l.includes('divide')) ?? '';
      out.log(`${e.name}: ${e.message}`);
      out.log(`raised in the worker ${where.trim()}`);
      return `${e.name}: ${e.message}, with the worker's stack`;
    }
  },
});

export default seed;
runIfMain(import.meta, seed);
