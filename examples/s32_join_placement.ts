/**
 * S32: where `join()` goes decides whether processes run one after another or together:
 * `join()` inside the start loop waits for each child before starting the next (serial);
 * starting them all, then joining them all, lets them run at once (parallel).
 *
 * Python:
 *   def task(i): print('hi:', i); time.sleep(1)
 *   for i in range(5):                       # 5.78 s
 *       p = Process(target=task, args=(i,)); p.start(); p.join()
 *   l = []
 *   for i in range(5):                       # 1.19 s
 *       p = Process(target=task, args=(i,)); p.start(); l.append(p)
 *   for p in l: p.join()
 */
import { Process } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** The child's target: sleeps `ms` (Python's task slept 1 s). */
export async function task(_i: number, ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

const seed = defineSeed({
  id: 'S32',
  title: 'join() inside the loop (serial) vs after it (parallel)',
  python: 'join inside the loop 5.7 s, after the loop 1.2 s',
  async run(out, { quick }) {
    // Long enough that the sleeps, not the processes' start, dominate even on a busy machine.
    const ms = quick ? 800 : 1000;
    let t0 = performance.now();
    for (let i = 0; i < 5; i++) {
      const p = new Process({ target: task, args: [i, ms] });
      p.start();
      out.log(`hi: ${i} (child ${p.pid})`);
      await p.join();
    }
    const serial = (performance.now() - t0) / 1000;
    out.log(`join() inside the loop: ${serial.toFixed(2)} s`);

    t0 = performance.now();
    const started: Process[] = [];
    for (let i = 0; i < 5; i++) {
      const p = new Process({ target: task, args: [i, ms] });
      p.start();
      out.log(`hi: ${i} (child ${p.pid})`);
      started.push(p);
    }
    for (const p of started) await p.join();
    const parallel = (performance.now() - t0) / 1000;
    out.log(`join() after the loop: ${parallel.toFixed(2)} s`);
    return `5 processes sleeping ${ms} ms: join() inside the loop ${serial.toFixed(2)} s (serial), after the loop ${parallel.toFixed(2)} s (parallel)`;
  },
});

export default seed;
runIfMain(import.meta, seed);
