/**
 * S50: gevent — two tasks sleeping 3 s and 5 s run concurrently, about 5 s in all.
 *
 * Python:
 *   def func1(): print('func1 running'); time.sleep(3); print('func1 over')
 *   def func2(): print('func2 running'); time.sleep(5); print('func2 over')
 *   s1 = spawn(func1); s2 = spawn(func2); s1.join(); s2.join()
 *   print(time.time() - start_time)
 */
import { createTask, sleep } from 'weft/asyncio';
import { defineSeed, runIfMain, type SeedOutput } from './_seed.js';

function func(out: SeedOutput, name: string, ms: number): () => Promise<void> {
  return async () => {
    out.log(`${name} running`);
    await sleep(ms);
    out.log(`${name} over`);
  };
}

const seed = defineSeed({
  id: 'S50',
  title: 'two tasks sleeping 3 s and 5 s run concurrently',
  python: '~5 s total',
  async run(out, { quick }) {
    const [ms1, ms2] = quick ? [300, 500] : [3000, 5000];
    const start = performance.now();
    const s1 = createTask(func(out, 'func1', ms1)); // gevent.spawn
    const s2 = createTask(func(out, 'func2', ms2));
    await s1; // join
    await s2;
    const seconds = (performance.now() - start) / 1000;
    out.log(seconds.toFixed(3));
    return `${seconds.toFixed(2)} s total for sleeps of ${ms1 / 1000} s and ${ms2 / 1000} s (the longer one, not the sum)`;
  },
});

export default seed;
runIfMain(import.meta, seed);
