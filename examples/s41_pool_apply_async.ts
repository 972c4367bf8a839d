/**
 * S41: a pool of four processes runs five tasks with `apply_async`; `close()` then `join()`
 * waits for them. The fifth task starts when one of the first four is done. `Pool()` without
 * a size has one process per CPU.
 *
 * Python:
 *   def long_time_task(name):
 *       print('Run task %s (%s)...' % (name, os.getpid()))
 *       start = time.time(); time.sleep(random.random() * 3); end = time.time()
 *       print('Task %s runs %0.2f seconds.' % (name, (end - start)))
 *   if __name__ == '__main__':
 *       print('Parent process %s.' % os.getpid())
 *       p = Pool(4)
 *       for i in range(5):
 *           p.apply_async(long_time_task, args=(i,))
 *       print('Waiting for all subprocesses done...')
 *       p.close(); p.join()
 *       print('All subprocesses done.')
 */
import { sleep } from 'weft/asyncio';
import { cpuCount, Pool } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** Runs in a worker process: sleeps a random while; returns what Python's task printed. */
export async function longTimeTask(name: number, maxMs: number): Promise<string[]> {
  const lines = [`Run task ${name} (${process.pid})...`];
  const start = performance.now();
  await sleep(Math.random() * maxMs);
  lines.push(`Task ${name} runs ${((performance.now() - start) / 1000).toFixed(2)} seconds.`);
  return lines;
}

const seed = defineSeed({
  id: 'S41',
  title: 'Pool(4) + 5 × applyAsync, close, join',
  python: 'five tasks on four processes; the fifth starts when one is done',
  async run(out, { quick }) {
    const sized = new Pool();
    out.log(`Pool() has ${sized.processes} processes: the CPU count (${cpuCount()}).`);
    await sized.terminate();

    out.log(`Parent process ${process.pid}.`);
    const p = new Pool(4);
    const pids = new Set<number>();
    for (let i = 0; i < 5; i++) {
      p.applyAsync(longTimeTask, [i, quick ? 300 : 3000], {
        callback: (lines) => {
          for (const line of lines) out.log(line);
          pids.add(Number(/\((\d+)\)/.exec(lines[0]!)![1]));
        },
      });
    }
    out.log('Waiting for all subprocesses done...');
    p.close();
    await p.join();
    out.log('All subprocesses done.');
    return `5 tasks ran in ${pids.size} worker processes of Pool(4), none in the parent (${process.pid}); Pool() sized to ${cpuCount()} CPUs`;
  },
});

export default seed;
runIfMain(import.meta, seed);
