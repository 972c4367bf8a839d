/**
 * S07: CPU-bound work on threads and on processes. CPython's GIL lets one thread run Python
 * code at a time, so there 12 threads took as long as running the work 12 times in a row, and
 * processes were needed to use the cores. weft's threads are isolates with no lock between
 * them: they run on every core, as processes do, without a process's start.
 *
 * Python:
 *   def work():   # CPU-bound
 *       res = 1
 *       for i in range(1, 100000):
 *           res *= i
 *
 *   if __name__ == '__main__':
 *       start_time = time.time()
 *       t_list = []
 *       for i in range(12):
 *           t = Thread(target=work)     # Process(target=work): 8.68 s
 *           t.start()
 *           t_list.append(t)
 *       for t in t_list:
 *           t.join()
 *       print('总耗时:%s' % (time.time() - start_time))   # 49.58 s with threads
 *
 * `work` is synchronous, so each thread gets an isolate of its own. The example boots the
 * isolates first (a one-time cost it prints: a finished thread's isolate waits for the next
 * thread) and then times the threads and the processes against the same work run serially on
 * the main thread (the quick variant: the best of three rounds of each). A process cannot be
 * reused that way: each one is a new Node.js process that boots and imports this module before
 * it calls `work`, and its time includes that, as Python's 8.7 s included its `fork()`s.
 */
import { availableParallelism } from 'node:os';
import { defineSeed, runIfMain } from './_seed.js';
import { runProcesses, runThreads, secondsSince } from './_util.js';

/** A prime small enough that the products below stay 32-bit integers. */
const P = 32_749;

/**
 * The product 1 × 2 × … × (n - 1), modulo a prime: all arithmetic on small integers.
 * (Python's product grows into a huge integer, so its loop allocates as much as it computes;
 * that measures the allocator as much as the cores.)
 */
export function work(n: number): number {
  let res = 1;
  for (let i = 1; i < n; i++) res = (res * (i % P)) % P;
  return res;
}

/** Nothing: a thread that only makes its isolate start (and stay warm for the next thread), or a process that only starts. */
export function boot(): void {}

function row(label: string, ...cells: (string | number)[]): string {
  return label.padEnd(22) + cells.map((c) => String(c).padStart(9)).join('');
}

const seed = defineSeed({
  id: 'S07',
  title: 'CPU-bound work: serial vs threads vs processes',
  python: 'GIL: threads 49.6 s, processes 8.7 s',
  async run(out, { quick }) {
    const tasks = quick ? 4 : 12;
    const n = quick ? 20_000_000 : 200_000_000;
    const rounds = quick ? 3 : 1;
    const bootStart = performance.now();
    await runThreads(tasks, boot, []);
    out.log(`(booted ${tasks} thread isolates in ${secondsSince(bootStart).toFixed(3)} s, once)`);

    // The best of a few rounds of each, taken in turn, so that a moment when something else
    // runs on the machine does not decide the comparison.
    let serial = Number.POSITIVE_INFINITY;
    let threaded = Number.POSITIVE_INFINITY;
    let processes = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
      let start = performance.now();
      for (let i = 0; i < tasks; i++) work(n);
      serial = Math.min(serial, secondsSince(start));

      start = performance.now();
      await runThreads(tasks, work, [n]);
      threaded = Math.min(threaded, secondsSince(start));

      start = performance.now();
      await runProcesses(tasks, work, [n]);
      processes = Math.min(processes, secondsSince(start));
    }
    // What a process costs before it computes anything.
    const start = performance.now();
    await runProcesses(1, boot, []);
    const processStart = secondsSince(start);

    const speedup = serial / threaded;
    const processSpeedup = serial / processes;
    out.log(row(rounds > 1 ? `(best of ${rounds} rounds)` : '', 'tasks', 'seconds', 'speedup'));
    out.log(row('serial, main thread', tasks, serial.toFixed(3), '1.00'));
    out.log(row(`${tasks} threads`, tasks, threaded.toFixed(3), speedup.toFixed(2)));
    out.log(row(`${tasks} processes`, tasks, processes.toFixed(3), processSpeedup.toFixed(2)));
    out.log(
      `(one process with an empty target: ${processStart.toFixed(3)} s from start() to its exit)`,
    );
    return `${tasks} CPU-bound threads ran ${speedup.toFixed(2)}× faster than serial on ${availableParallelism()} cores (no GIL), ${tasks} processes ${processSpeedup.toFixed(2)}× (each boots Node.js first): threads ${threaded <= processes ? 'at least as fast as' : 'slower than'} processes`;
  },
});

export default seed;
runIfMain(import.meta, seed);
