/**
 * S42: `apply` waits for each task (one at a time, serial), `apply_async` does not (the pool's
 * processes run them in parallel); `callback` and `error_callback`; `terminate()` stops the
 * workers without finishing their tasks.
 *
 * Python (two programs of the tutorial, Pool(processes=3) and 5 tasks of 5 s each):
 *   def func(msg): print('msg: ', msg); time.sleep(5); print('done')
 *   for i in range(5): pool.apply_async(func, args=('Process - ' + str(i),))   # ~10 s
 *   for i in range(5): pool.apply(func, args=('Process - ' + str(i),))         # ~25 s
 *   pool.close(); pool.join(); print('sub-process Done!')
 */
import { sleep } from 'weft/asyncio';
import { CancelledError } from 'weft/errors';
import { Pool } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** Runs in a worker process: sleeps `ms`; returns what Python's task printed. */
export async function func(msg: string, ms: number): Promise<string> {
  await sleep(ms);
  return `msg:  ${msg} done`;
}

/** A task that fails, for the error callback. */
export function refuse(msg: string): never {
  throw new Error(`refused ${msg}`);
}

/** Ready the pool's three processes, so that the timings compare the two methods, not start-up. */
async function warm(pool: Pool): Promise<void> {
  await Promise.all([0, 1, 2].map(() => pool.applyAsync(func, ['warm-up', 50]).get()));
}

const seed = defineSeed({
  id: 'S42',
  title: 'apply (serial) vs applyAsync (parallel); callback, errorCallback, terminate',
  python: 'apply ~25 s, apply_async ~10 s for 5 × 5 s tasks on 3 processes',
  async run(out, { quick }) {
    const ms = quick ? 300 : 5000;
    const pool = new Pool(3);
    await warm(pool);

    out.log('-- apply: each call waits for its task');
    let t0 = performance.now();
    for (let i = 0; i < 5; i++) out.log(await pool.apply(func, [`Process - ${i}`, ms]));
    const serial = (performance.now() - t0) / 1000;
    out.log(`apply: ${serial.toFixed(2)} s`);

    out.log('-- applyAsync: the calls return at once; callbacks print the results');
    t0 = performance.now();
    const results = [];
    for (let i = 0; i < 5; i++)
      results.push(
        pool.applyAsync(func, [`Process - ${i}`, ms], { callback: (line) => out.log(line) }),
      );
    out.log('-'.repeat(50));
    for (const r of results) await r.get();
    const parallel = (performance.now() - t0) / 1000;
    out.log(`applyAsync: ${parallel.toFixed(2)} s`);

    const failed = pool.applyAsync(refuse, ['Process - x'], {
      errorCallback: (err) => out.log(`error_callback: ${(err as Error).message}`),
    });
    await failed.wait();
    out.log(`successful(): ${failed.successful()}`);
    pool.close();
    await pool.join();
    out.log('sub-process Done!');

    const doomed = new Pool(1);
    await warm(doomed);
    const unfinished = doomed.applyAsync(func, ['Process - late', 60_000]);
    await doomed.terminate();
    await doomed.join();
    const stopped = await unfinished.get().then(
      () => false,
      (err) => err instanceof CancelledError,
    );
    out.log(`terminate(): the running task was ${stopped ? 'stopped unfinished' : 'finished'}`);

    return `apply ran 5 tasks one at a time in ${serial.toFixed(2)} s; applyAsync ran them on 3 processes in ${parallel.toFixed(2)} s; callbacks and error_callback called; terminate ${stopped ? 'stopped' : 'did not stop'} a running task`;
  },
});

export default seed;
runIfMain(import.meta, seed);
