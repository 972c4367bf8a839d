/**
 * S46: `pool.map` returns results in input order even when later ones finish first.
 *
 * Python:
 *   def work(t): time.sleep(t); return t
 *   print(list(pool.map(work, [3, 1, 2])))   # [3, 1, 2]
 */
import { sleep } from 'weft/asyncio';
import { ThreadPoolExecutor } from 'weft/futures';
import { defineSeed, runIfMain } from './_seed.js';

export async function work(ms: number): Promise<number> {
  await sleep(ms);
  return ms;
}

const seed = defineSeed({
  id: 'S46',
  title: 'map returns results in input order',
  python: 'results in input order even when later ones finish first',
  async run(out, { quick }) {
    const unit = quick ? 20 : 1000;
    const input = [3 * unit, unit, 2 * unit];
    await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
    await pool.map(work, [0, 0, 0]); // three workers started and warm
    const finished: number[] = [];
    const fs = input.map((ms) => {
      const f = pool.submit(work, ms);
      f.addDoneCallback(() => finished.push(ms));
      return f;
    });
    const inOrder = await pool.map(work, input);
    await Promise.all(fs);
    out.log(`finished in the order ${finished.join(', ')}`);
    out.log(`map gave             ${inOrder.join(', ')}`);
    return `map: ${inOrder.join(', ')} (input order), though they finished ${finished.join(', ')}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
