/**
 * S05: 100 threads each decrement a counter under a `Lock`, sleeping while they hold it.
 *
 * Python:
 *   num = 100
 *   def task(mutex):
 *       global num
 *       mutex.acquire()
 *       count = num
 *       time.sleep(0.1)
 *       num = count - 1
 *       mutex.release()
 *
 *   mutex = Lock()
 *   t_list = []
 *   for i in range(100):
 *       t = Thread(target=task, args=(mutex,))
 *       t.start()
 *       t_list.append(t)
 *   for t in t_list:
 *       t.join()
 *   print(num)   # 0
 *
 * The counter is a shared `Value`; the lock is a `Lock` in shared memory. The threads are
 * async, so they wait for the lock with `await mutex.acquire()`, and `using` releases it.
 * The same program without the lock shows the race the lock prevents.
 */
import { sleep } from 'weft/asyncio';
import { Lock, Value } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { runThreads, secondsSince } from './_util.js';

export async function task(mutex: Lock, num: Value<'i'>, ms: number): Promise<void> {
  using _ = await mutex.acquire();
  const count = num.value;
  await sleep(ms);
  num.value = count - 1;
}

/** The same without the lock: every thread reads before the others have written. */
export async function unlockedTask(num: Value<'i'>, ms: number): Promise<void> {
  const count = num.value;
  await sleep(ms);
  num.value = count - 1;
}

const seed = defineSeed({
  id: 'S05',
  title: '100 threads decrement a counter under a Lock',
  python: 'result 0, serialized',
  async run(out, { quick }) {
    const ms = quick ? 3 : 100;
    const mutex = new Lock();
    const num = new Value('i', 100);
    const start = performance.now();
    await runThreads(100, task, [mutex, num, ms]);
    const seconds = secondsSince(start);
    out.log(num.value);

    out.log('-- without the lock');
    const racy = new Value('i', 100);
    await runThreads(100, unlockedTask, [racy, ms]);
    out.log(racy.value);
    return `with the lock: ${num.value} (100 critical sections of ${ms} ms in turn: ${seconds.toFixed(2)} s); without it the race leaves ${racy.value}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
