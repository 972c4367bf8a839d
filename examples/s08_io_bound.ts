/**
 * S08: IO-bound work on threads and on processes: 100 threads that each wait 2 s take about
 * 2 s in all; processes take longer, for the same waiting.
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
 * virtual thread, and 100 of them share an isolate or two. Each process is a Node.js process
 * that must boot before it waits (tens of megabytes and a few hundred milliseconds of CPU
 * each), so the quick variant runs 8 of them against the 100 threads, the full one 100.
 */
import { sleep } from 'weft/asyncio';
import { defineSeed, runIfMain } from './_seed.js';
import { runProcesses, runThreads, secondsSince } from './_util.js';

export async function work(ms: number): Promise<void> {
  await sleep(ms);
}

const seed = defineSeed({
  id: 'S08',
  title: 'IO-bound work: 100 threads, then processes, each sleeping',
  python: 'threads win',
  async run(out, { quick }) {
    const ms = quick ? 200 : 2000;
    let start = performance.now();
    await runThreads(100, work, [ms]);
    const seconds = secondsSince(start);
    out.log(`100 threads: 总耗时:${seconds}`);
    out.log(`(one after another: 100 × ${ms / 1000} s = ${(100 * ms) / 1000} s)`);

    const n = quick ? 8 : 100;
    start = performance.now();
    await runProcesses(n, work, [ms]);
    const pseconds = secondsSince(start);
    out.log(`${n} processes: 总耗时:${pseconds}`);
    const winner = seconds < pseconds ? 'threads win' : 'processes win';
    out.log(`(${winner}: each process boots Node.js before it waits)`);
    return `100 threads each waiting ${ms / 1000} s took ${seconds.toFixed(2)} s in all, not ${(100 * ms) / 1000} s; ${n} processes took ${pseconds.toFixed(2)} s: ${winner}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
