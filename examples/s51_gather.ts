/**
 * S51: `asyncio.gather(task1, task2)` — both start, both end, about 2 s in all.
 *
 * Python:
 *   async def task(name):
 *       print(f"任务 {name} 开始")
 *       await asyncio.sleep(2)
 *       print(f"任务 {name} 结束")
 *   async def main():
 *       await asyncio.gather(task("任务1"), task("任务2"))
 *   asyncio.run(main())
 */
import { gather, sleep } from 'weft/asyncio';
import { defineSeed, runIfMain } from './_seed.js';

const seed = defineSeed({
  id: 'S51',
  title: 'asyncio.gather(task1, task2)',
  python: 'both start, both end, ~2 s',
  async run(out, { quick }) {
    const ms = quick ? 200 : 2000;
    async function task(name: string): Promise<void> {
      out.log(`任务 ${name} 开始`);
      await sleep(ms); // asynchronous wait
      out.log(`任务 ${name} 结束`);
    }
    const start = performance.now();
    await gather(task('任务1'), task('任务2'));
    const seconds = (performance.now() - start) / 1000;
    return `both started, both ended, ${seconds.toFixed(2)} s for two ${ms / 1000} s sleeps`;
  },
});

export default seed;
runIfMain(import.meta, seed);
