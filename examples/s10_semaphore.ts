/**
 * S10: a `Semaphore(5)` lets at most five of ten threads in at once.
 *
 * Python:
 *   sp = Semaphore(5)
 *
 *   class MyThread(Thread):
 *       def run(self):
 *           sp.acquire()
 *           print(self.name)
 *           time.sleep(random.randint(1, 3))
 *           sp.release()
 *
 *   for i in range(10):
 *       t = MyThread()
 *       t.start()
 *
 * The threads also count themselves in and out of the guarded section in shared memory, so
 * the example can check the bound instead of trusting it.
 */
import { sleep } from 'weft/asyncio';
import { RawArray, Semaphore, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { joinAll, type LogBuffer, print, startAll, ThreadLog } from './_util.js';

/** Shared counters: threads inside now, and the most ever inside at once. */
const INSIDE = 0;
const MOST = 1;

export class MyThread extends Thread {
  constructor(
    readonly sp: Semaphore,
    readonly counts: Int32Array,
    readonly log: LogBuffer,
    readonly unitMs: number,
  ) {
    super();
  }

  override async run(): Promise<void> {
    using _ = await this.sp.acquire();
    const inside = Atomics.add(this.counts, INSIDE, 1) + 1;
    let most = Atomics.load(this.counts, MOST);
    while (inside > most) {
      const seen = Atomics.compareExchange(this.counts, MOST, most, inside);
      if (seen === most) break;
      most = seen;
    }
    print(this.log, this.name);
    await sleep(this.unitMs * (1 + Math.floor(Math.random() * 3))); // randint(1, 3)
    Atomics.sub(this.counts, INSIDE, 1);
  }
}

const seed = defineSeed({
  id: 'S10',
  title: 'Semaphore(5) guarding 10 threads',
  python: 'at most 5 inside at once',
  async run(out, { quick }) {
    await using log = new ThreadLog(out);
    const sp = new Semaphore(5);
    const counts = RawArray('i', 2) as Int32Array;
    const ms = quick ? 50 : 1000;
    await joinAll(
      startAll(Array.from({ length: 10 }, () => new MyThread(sp, counts, log.buffer, ms))),
    );
    log.print(`(at most ${counts[MOST]} threads were inside at once)`);
    return `10 threads, at most ${counts[MOST]} inside the Semaphore(5) at once (counted in shared memory)`;
  },
});

export default seed;
runIfMain(import.meta, seed);
