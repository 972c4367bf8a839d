/**
 * S53: the first coroutine — `async def hello(): print('Hello world!'); await
 * asyncio.sleep(1); print('Hello again!')`, run with `asyncio.run(hello())`.
 */
import { sleep } from 'weft/asyncio';
import { defineSeed, runIfMain } from './_seed.js';

const seed = defineSeed({
  id: 'S53',
  title: 'async def hello(): await asyncio.sleep(1)',
  python: 'Hello world! then, a second later, Hello again!',
  async run(out, { quick }) {
    const ms = quick ? 100 : 1000;
    const start = performance.now();
    out.log('Hello world!');
    await sleep(ms);
    out.log('Hello again!');
    const seconds = (performance.now() - start) / 1000;
    return `Hello world!, then Hello again! ${seconds.toFixed(2)} s later`;
  },
});

export default seed;
runIfMain(import.meta, seed);
