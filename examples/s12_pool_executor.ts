/**
 * S12: a pool of workers: `ThreadPoolExecutor(10)`, 20 × `submit`, `result()`,
 * `add_done_callback` (the process flavour comes with weft/multiprocessing).
 *
 * Python:
 *   pool = ThreadPoolExecutor(10)
 *   def task(n):
 *       print('task is running'); time.sleep(random.randint(1, 3))
 *       print('task is over', n, current_thread().name); return '我是task函数的返回值'
 *   def func(*args, **kwargs): print('from func')
 *   for i in range(20):
 *       res = pool.submit(task, 123); print(res.result())
 *       pool.submit(task, 123).add_done_callback(func)
 */
import { sleep } from 'weft/asyncio';
import { ThreadPoolExecutor } from 'weft/futures';
import { currentThread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';

/** The task: runs in a pool thread, sleeps a while, returns a value. */
export async function task(n: number, ms: number): Promise<string> {
  await sleep(ms);
  return `task is over ${n} ${currentThread().name}`;
}

const seed = defineSeed({
  id: 'S12',
  title: 'ThreadPoolExecutor(10): 20 × submit, result(), addDoneCallback',
  python: 'results and callbacks',
  async run(out, { quick }) {
    const n = quick ? 20 : 20;
    const pool = new ThreadPoolExecutor({ maxWorkers: 10 });
    const t0 = performance.now();
    const futures = Array.from({ length: n }, (_, i) => {
      const f = pool.submit(task, i, (quick ? 20 : 1000) * (1 + (i % 3)));
      f.addDoneCallback(() => out.log('from func'));
      return f;
    });
    for (const f of futures) out.log(await f.result());
    await pool.shutdown();
    const threads = new Set(await Promise.all(futures.map((f) => f.result()))).size;
    const s = ((performance.now() - t0) / 1000).toFixed(2);
    return `${n} results in submission order and ${n} callbacks; ${threads} distinct results from a pool of 10 in ${s} s`;
  },
});

export default seed;
runIfMain(import.meta, seed);
