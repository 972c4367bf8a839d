/**
 * S03: `join`, `activeCount`, `currentThread().name`, and the process id seen in a thread.
 *
 * Python:
 *   def test(name):
 *       print(os.getpid())
 *       print(current_thread().name)
 *       print('%s is running' % name)
 *       time.sleep(3)
 *       print('%s is over' % name)
 *
 *   t = Thread(target=test, args=('jason',))
 *   t.start()
 *   print(os.getpid())
 *   t.join()
 *   print(current_thread().name)
 *   print(active_count())
 *   print('主线程')
 *
 * A thread is a thread of the same process: `process.pid` in it is the main thread's.
 */
import { sleep } from 'weft/asyncio';
import { activeCount, currentThread, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { type LogBuffer, print, ThreadLog } from './_util.js';

export async function test(log: LogBuffer, name: string, ms: number): Promise<void> {
  print(log, process.pid);
  print(log, currentThread().name);
  print(log, `${name} is running`);
  await sleep(ms);
  print(log, `${name} is over`);
}

const seed = defineSeed({
  id: 'S03',
  title: 'join, activeCount, currentThread().name, pid in a thread',
  python: 'thread pid == main pid; names Thread-1, MainThread',
  async run(out, { quick }) {
    await using log = new ThreadLog(out);
    const t = new Thread({ target: test, args: [log.buffer, 'jason', quick ? 100 : 3000] });
    t.start();
    log.print(process.pid);
    const during = activeCount();
    await t.join();
    log.print(currentThread().name);
    const after = activeCount();
    log.print(after);
    log.print('主线程');
    return `${t.name} and MainThread share pid ${process.pid}; activeCount ${during} while it ran, ${after} after join`;
  },
});

export default seed;
runIfMain(import.meta, seed);
