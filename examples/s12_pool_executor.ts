/**
 * S12: a pool of workers: `ThreadPoolExecutor(10)` and `ProcessPoolExecutor(5)`, 20 ×
 * `submit`, `result()`, `add_done_callback`.
 *
 * Python:
 *   pool = ThreadPoolExecutor(10)          # or ProcessPoolExecutor(5)
 *   def task(n):
 *       print('task is running'); time.sleep(random.randint(1, 3))
 *       print('task is over', n, current_thread().name); return '我是task函数的返回值'
 *   def func(*args, **kwargs): print('from func')
 *   for i in range(20):
 *       res = pool.submit(task, 123); print(res.result())
 *       pool.submit(task, 123).add_done_callback(func)
 */
import { sleep } from 'weft/asyncio';
import { type Executor, ProcessPoolExecutor, ThreadPoolExecutor } from 'weft/futures';
import { currentProcess } from 'weft/multiprocessing';
import { currentThread } from 'weft/threading';
import { defineSeed, runIfMain, type SeedOutput } from './_seed.js';

/** The task: runs in a pool thread, sleeps a while, returns a value. */
export async function task(n: number, ms: number): Promise<string> {
  await sleep(ms);
  return `task is over ${n} ${currentThread().name}`;
}

/** The process flavour's task: the same, naming the worker process it ran in. */
export async function processTask(n: number, ms: number): Promise<string> {
  await sleep(ms);
  return `task is over ${n} ${currentProcess().name} (pid ${process.pid})`;
}

/** 20 × submit with a done callback each, then the results in submission order. */
async function twenty(
  out: SeedOutput,
  pool: Executor,
  fn: typeof task,
  unitMs: number,
): Promise<number> {
  const futures = Array.from({ length: 20 }, (_, i) => {
    const f = pool.submit(fn, i, unitMs * (1 + (i % 3)));
    f.addDoneCallback(() => out.log('from func'));
    return f;
  });
  for (const f of futures) out.log(await f.result());
  await pool.shutdown();
  return new Set(await Promise.all(futures.map((f) => f.result()))).size;
}

const seed = defineSeed({
  id: 'S12',
  title:
    'ThreadPoolExecutor(10) and ProcessPoolExecutor(5): 20 × submit, result(), addDoneCallback',
  python: 'results and callbacks',
  async run(out, { quick }) {
    const unit = quick ? 20 : 1000;
    let t0 = performance.now();
    const threads = await twenty(out, new ThreadPoolExecutor({ maxWorkers: 10 }), task, unit);
    const threadSeconds = ((performance.now() - t0) / 1000).toFixed(2);
    t0 = performance.now();
    const processes = new ProcessPoolExecutor({ maxWorkers: 5 });
    await twenty(out, processes, processTask, unit);
    const processSeconds = ((performance.now() - t0) / 1000).toFixed(2);
    return `threads: 20 results in submission order and 20 callbacks; ${threads} distinct results from a pool of 10 in ${threadSeconds} s; processes: the same from a pool of 5 in ${processSeconds} s`;
  },
});

export default seed;
runIfMain(import.meta, seed);
