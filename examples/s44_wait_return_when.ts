/**
 * S44: `wait(tasks, return_when=FIRST_COMPLETED / FIRST_EXCEPTION / ALL_COMPLETED)`.
 *
 * Python:
 *   tasks = [pool.submit(work, t) for t in (3, 1, 2)]
 *   done, not_done = wait(tasks, return_when=FIRST_COMPLETED)
 */

import { sleep } from 'weft/asyncio';
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ThreadPoolExecutor,
  wait,
} from 'weft/futures';
import { defineSeed, runIfMain } from './_seed.js';

export async function work(ms: number, fail = false): Promise<number> {
  await sleep(ms);
  if (fail) throw new Error(`task of ${ms} ms failed`);
  return ms;
}

const seed = defineSeed({
  id: 'S44',
  title: 'wait(tasks, {returnWhen: FIRST_COMPLETED | FIRST_EXCEPTION | ALL_COMPLETED})',
  python: 'done / not done sets by return_when',
  async run(out, { quick }) {
    const unit = quick ? 100 : 300;
    await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
    await pool.map(work, [0, 0, 0]); // three workers started and warm
    const results: string[] = [];
    for (const returnWhen of [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED] as const) {
      const fs = [
        pool.submit(work, 3 * unit),
        pool.submit(work, unit),
        pool.submit(work, 2 * unit, true),
      ];
      const { done, notDone } = await wait(fs, { returnWhen });
      const line = `${returnWhen}: ${done.size} done, ${notDone.size} not done`;
      out.log(line);
      results.push(`${done.size}/${notDone.size}`);
      await wait(fs);
    }
    return `done/not done: FIRST_COMPLETED ${results[0]}, FIRST_EXCEPTION ${results[1]}, ALL_COMPLETED ${results[2]}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
