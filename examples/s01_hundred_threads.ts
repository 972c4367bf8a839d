/**
 * S01: 100 threads each sleep 0.1 s; joined, they take about 0.1 s in all. The same with
 * processes takes longer: each process must start first.
 *
 * Python:
 *   def task(name):
 *       print(f'{name} is running')
 *       time.sleep(0.1)
 *       print(f'{name} is over')
 *
 *   if __name__ == '__main__':
 *       start_time = time.time()
 *       t_list = []
 *       for i in range(100):
 *           t = Thread(target=task, args=('用户%s' % i,))
 *           t.start()
 *           t_list.append(t)
 *       for t in t_list:
 *           t.join()
 *       print(time.time() - start_time)   # 0.10670590400695801 (processes: 0.79)
 *       t = Thread(target=task, args=('jason',))
 *       t.start()
 *       print('主线程')
 *
 * `task` is async, so each thread is a virtual thread: many share one isolate per CPU, and a
 * hundred start in a few milliseconds. A process is a new Node.js process, which boots and
 * imports this module before it runs `task` (Python forks a copy of itself, in milliseconds),
 * so the process half runs 100 processes in the full variant and 8 in the quick one. The
 * processes run silently: a child process's output goes straight to the terminal, not through
 * the example's log.
 */
import { sleep } from 'weft/asyncio';
import { Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import {
  bootVirtualIsolate,
  joinAll,
  type LogBuffer,
  print,
  runProcesses,
  secondsSince,
  ThreadLog,
} from './_util.js';

/**
 * The target of the threads and the processes: exported, so each thread or process imports
 * this module to find it. It prints to `log` if given (threads only: a log is shared memory,
 * which cannot reach another process).
 */
export async function task(log: LogBuffer | null, name: string, ms: number) {
  if (log) print(log, `${name} is running`);
  await sleep(ms);
  if (log) print(log, `${name} is over`);
}

/** In the quick variant only the first threads print (all 100 run). */
export const QUIET_FROM = 3;

const seed = defineSeed({
  id: 'S01',
  title: '100 threads, then processes, each sleeping 0.1 s, joined',
  python: 'threads 0.107 s, processes 0.79 s',
  async run(out, { quick }) {
    const ms = 100;
    await using log = new ThreadLog(out);
    const boot = await bootVirtualIsolate(task, [null, 'warm-up', 0]);
    log.print(`(weft booted its first thread isolate in ${boot.toFixed(3)} s: once per process)`);
    const start = performance.now();
    const threads: Thread[] = [];
    for (let i = 0; i < 100; i++) {
      const printing = !quick || i < QUIET_FROM;
      const t = new Thread({ target: task, args: [printing ? log.buffer : null, `用户${i}`, ms] });
      t.start();
      threads.push(t);
    }
    await joinAll(threads);
    const seconds = secondsSince(start);
    if (quick) log.print(`(用户${QUIET_FROM} … 用户99 ran too, without printing)`);
    log.print(seconds);

    const n = quick ? 8 : 100;
    const pstart = performance.now();
    const processes = await runProcesses(n, task, [null, '用户', ms]);
    const pseconds = secondsSince(pstart);
    const pids = new Set(processes.map((p) => p.pid)).size;
    log.print(`${n} processes${quick ? ' (the quick variant; 100 with --full)' : ''}: ${pseconds}`);

    const t = new Thread({ target: task, args: [log.buffer, 'jason', ms] });
    t.start();
    log.print('主线程');
    await t.join(); // Python joins non-daemon threads at exit
    const isolates = new Set(threads.map((th) => th.nativeId)).size;
    return `100 threads × ${ms / 1000} s sleep joined in ${seconds.toFixed(3)} s (virtual threads on ${isolates} isolate${isolates === 1 ? '' : 's'}, the first booted once in ${boot.toFixed(2)} s before); ${n} processes (${pids} pids) took ${pseconds.toFixed(2)} s, each started before it slept`;
  },
});

export default seed;
runIfMain(import.meta, seed);
