/**
 * S08: IO-bound work on threads: 100 threads that each wait 2 s take about 2 s in all.
 *
 * Python:
 *   def work():   # IO-bound
 *       time.sleep(2)
 *
 *   if __name__ == '__main__':
 *       start_time = time.time()
 *       t_list = []
 *       for i in range(100):
 *           t = Thread(target=work)      # or Process(target=work)
 *           t.start()
 *           t_list.append(t)   # (the tutorial forgot this line, so it printed 0.003 s)
 *       for t in t_list:
 *           t.join()
 *       print('总耗时:%s' % (time.time() - start_time))
 *
 * Waiting costs a thread nothing, so threads win for IO; an async `work` makes each one a
 * virtual thread, and 100 of them share an isolate or two. The process version needs
 * `weft/multiprocessing`.
 */
import { sleep } from 'weft/asyncio';
import { defineSeed, runIfMain } from './_seed.js';
import { runThreads, secondsSince } from './_util.js';

export async function work(ms: number): Promise<void> {
  await sleep(ms);
}

const seed = defineSeed({
  id: 'S08',
  title: 'IO-bound work: 100 threads each sleeping',
  python: 'threads win',
  async run(out, { quick }) {
    const ms = quick ? 200 : 2000;
    const start = performance.now();
    await runThreads(100, work, [ms]);
    const seconds = secondsSince(start);
    out.log(`总耗时:${seconds}`);
    out.log(
      `(one after another: 100 × ${ms / 1000} s = ${(100 * ms) / 1000} s; processes come with weft/multiprocessing)`,
    );
    return `100 threads each waiting ${ms / 1000} s took ${seconds.toFixed(2)} s in all, not ${(100 * ms) / 1000} s`;
  },
});

export default seed;
runIfMain(import.meta, seed);
