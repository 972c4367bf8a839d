/**
 * S06: three threads each do `temp = n; sleep; n = temp - 1`: without a lock they all read
 * 100 and the result is 99; with one it is 97.
 *
 * Python:
 *   def work():
 *       global n
 *       temp = n
 *       time.sleep(1)
 *       n = temp - 1
 *   n = 100
 *   ...three threads, started, joined...
 *   print('这个', n)   # 99
 *
 *   def work():
 *       lock.acquire()
 *       global n
 *       temp = n
 *       time.sleep(0.1)
 *       n = temp - 1
 *       lock.release()
 *   ...
 *   print('这个', n)   # 97
 *
 * `n` is a shared `Value`. Its own lock makes each read and each write whole, but not the
 * read–sleep–write: that needs a lock around all three.
 */
import { Lock, Value } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { runThreads } from './_util.js';
// The same thread functions as S05, whose program this is with three threads and longer
// sleeps: read the value, sleep, write back one less (with the lock held around all three).
import { task as lockedWork, unlockedTask as work } from './s05_lock_counter.js';

const seed = defineSeed({
  id: 'S06',
  title: 'three threads: temp = n; sleep; n = temp - 1',
  python: '99 without a lock, 97 with',
  async run(out, { quick }) {
    const n = new Value('i', 100);
    await runThreads(3, work, [n, quick ? 200 : 1000]);
    out.log('这个', n.value);

    const lock = new Lock();
    const m = new Value('i', 100);
    await runThreads(3, lockedWork, [lock, m, quick ? 20 : 100]);
    out.log('这个', m.value);
    return `${n.value} without the lock (every thread read 100), ${m.value} with it`;
  },
});

export default seed;
runIfMain(import.meta, seed);
