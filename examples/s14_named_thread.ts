/**
 * S14: a thread with a name: `LoopThread` counts to five; the main thread is `MainThread`.
 *
 * Python:
 *   def loop():
 *       print('thread %s is running...' % threading.current_thread().name)
 *       n = 0
 *       while n < 5:
 *           n = n + 1
 *           print('thread %s >>> %s' % (threading.current_thread().name, n))
 *           time.sleep(1)
 *       print('thread %s ended.' % threading.current_thread().name)
 *
 *   print('thread %s is running...' % threading.current_thread().name)
 *   t = threading.Thread(target=loop, name='LoopThread')
 *   t.start()
 *   t.join()
 *   print('thread %s ended.' % threading.current_thread().name)
 */
import { sleep } from 'weft/asyncio';
import { currentThread, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { type LogBuffer, print, ThreadLog } from './_util.js';

export async function loop(log: LogBuffer, ms: number): Promise<void> {
  print(log, `thread ${currentThread().name} is running...`);
  let n = 0;
  while (n < 5) {
    n = n + 1;
    print(log, `thread ${currentThread().name} >>> ${n}`);
    await sleep(ms);
  }
  print(log, `thread ${currentThread().name} ended.`);
}

const seed = defineSeed({
  id: 'S14',
  title: "a thread named 'LoopThread'",
  python: 'names printed',
  async run(out, { quick }) {
    await using log = new ThreadLog(out);
    log.print(`thread ${currentThread().name} is running...`);
    const t = new Thread({
      target: loop,
      args: [log.buffer, quick ? 20 : 1000],
      name: 'LoopThread',
    });
    t.start();
    await t.join();
    log.print(`thread ${currentThread().name} ended.`);
    return `currentThread().name is '${t.name}' in the thread and '${currentThread().name}' in the main thread`;
  },
});

export default seed;
runIfMain(import.meta, seed);
