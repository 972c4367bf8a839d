/**
 * S15: two threads change a balance 100 000 times each under a `Lock`: it ends at 0.
 *
 * Python:
 *   balance = 0
 *   lock = threading.Lock()
 *
 *   def change_it(n):
 *       global balance
 *       balance = balance + n
 *       balance = balance - n
 *
 *   def run_thread(n):
 *       for i in range(100000):
 *           lock.acquire()
 *           try:
 *               change_it(n)
 *           finally:
 *               lock.release()
 *
 *   t1 = threading.Thread(target=run_thread, args=(5,))
 *   t2 = threading.Thread(target=run_thread, args=(8,))
 *   t1.start(); t2.start(); t1.join(); t2.join()
 *   print(balance)   # 0
 *
 * `using _ = lock.acquireSync()` is the try/finally: the lock is released when the block
 * ends, however it ends. The threads are synchronous, so each has an isolate of its own and
 * they really do run at the same time; the balance is a `RawValue` (no lock of its own: the
 * `Lock` guards it).
 */
import { Lock, RawValue, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { joinAll, startAll } from './_util.js';

function changeIt(balance: RawValue<'i'>, n: number): void {
  balance.value = balance.value + n;
  balance.value = balance.value - n;
}

export function runThread(lock: Lock, balance: RawValue<'i'>, n: number, times: number): void {
  for (let i = 0; i < times; i++) {
    using _ = lock.acquireSync();
    changeIt(balance, n);
  }
}

const seed = defineSeed({
  id: 'S15',
  title: 'Lock with using: 2 threads × 100 000 balance changes',
  python: 'balance 0',
  async run(out) {
    const times = 100_000;
    const lock = new Lock();
    const balance = new RawValue('i', 0);
    const t1 = new Thread({ target: runThread, args: [lock, balance, 5, times] });
    const t2 = new Thread({ target: runThread, args: [lock, balance, 8, times] });
    const start = performance.now();
    await joinAll(startAll([t1, t2]));
    const ms = performance.now() - start;
    out.log(balance.value);
    return `balance ${balance.value} after 2 × ${times.toLocaleString('en')} locked changes on two isolates (${ms.toFixed(0)} ms)`;
  },
});

export default seed;
runIfMain(import.meta, seed);
