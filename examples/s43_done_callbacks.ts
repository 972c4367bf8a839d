/**
 * S43: `submit(fn, n=1, m=2).add_done_callback(cb)`, two callbacks, `shutdown()`.
 *
 * Python:
 *   def task(n, m): return n + m
 *   def task1(): return {'name': 'lin'}
 *   def callback(res): print(res.result())
 *   def callback1(res): print(res.result()); print(res.result()['name'])
 *   pool = ThreadPoolExecutor(2)
 *   pool.submit(task, n=1, m=2).add_done_callback(callback)
 *   pool.submit(task1).add_done_callback(callback1)
 *   pool.shutdown()
 * prints 3, {'name': 'lin'}, lin
 */
import { ThreadPoolExecutor } from 'weft/futures';
import { defineSeed, runIfMain } from './_seed.js';

/** Python's keyword arguments become one options object. */
export function task({ n, m }: { n: number; m: number }): number {
  return n + m;
}

export function task1(): { name: string } {
  return { name: 'lin' };
}

const seed = defineSeed({
  id: 'S43',
  title: 'submit(fn, {n: 1, m: 2}).addDoneCallback(cb); two callbacks; shutdown()',
  python: "3, {'name': 'lin'}",
  async run(out) {
    const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const printed: string[] = [];
    const log = (s: string): void => {
      printed.push(s);
      out.log(s);
    };
    // In a done callback the future is done: resultSync() gives the value at once.
    pool.submit(task, { n: 1, m: 2 }).addDoneCallback((res) => log(String(res.resultSync())));
    pool.submit(task1).addDoneCallback((res) => {
      log(JSON.stringify(res.resultSync()));
      log(res.resultSync().name);
    });
    await pool.shutdown(); // waits for both tasks, and so for their callbacks
    return printed.join(', ');
  },
});

export default seed;
runIfMain(import.meta, seed);
