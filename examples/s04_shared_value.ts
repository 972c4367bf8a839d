/**
 * S04: a thread changes state the main thread then reads.
 *
 * Python (threads share the module's globals):
 *   money = 100
 *   def test():
 *       global money
 *       money = 999
 *   t = Thread(target=test)
 *   t.start()
 *   t.join()
 *   print(money)   # 999
 *
 * weft's threads are V8 isolates, which do not share a JavaScript heap: a thread that imports
 * this module gets its own copy of its variables, so assigning the module's `money` there
 * leaves the main thread's at 100. What threads share is memory: a `Value` lives in a
 * SharedArrayBuffer, and every thread it is passed to reads and writes the same number.
 */
import { Thread, Value } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';

/** A module variable: each isolate that imports this module has its own. */
export let money = 100;

/** Python's program, taken literally: assigns this isolate's copy of `money`. */
export function setModuleMoney(): void {
  money = 999;
}

/** The weft way: the thread writes the shared value it was given. */
export function test(shared: Value<'i'>): void {
  shared.value = 999;
}

const seed = defineSeed({
  id: 'S04',
  title: 'threads share state through a Value',
  python: '999',
  async run(out) {
    const shared = new Value('i', 100);
    const t = new Thread({ target: test, args: [shared] });
    t.start();
    await t.join();
    out.log(shared.value);

    const t2 = new Thread({ target: setModuleMoney });
    t2.start();
    await t2.join();
    out.log(
      `(a module variable assigned in a thread: still ${money} here, since each isolate has its own JS heap and its own copy of the module)`,
    );
    return `the thread's write to a shared Value is seen by main: ${shared.value}; a plain module variable is not shared (${money})`;
  },
});

export default seed;
runIfMain(import.meta, seed);
