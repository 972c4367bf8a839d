/**
 * S02: subclass `Thread` and override `run()`; `start()` runs it in the new thread.
 *
 * Python:
 *   class MyThread(Thread):
 *       def run(self):
 *           print('run is running')
 *           time.sleep(1)
 *           print('run is over')
 *
 *   obj = MyThread()
 *   obj.start()
 *   print('主线程')
 *
 * The subclass is exported: the thread imports this module and rebuilds the object there
 * from its class and its own fields (here `log`), which cross like arguments.
 */
import { sleep } from 'weft/asyncio';
import { currentThread, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { type LogBuffer, print, ThreadLog } from './_util.js';

export class MyThread extends Thread {
  constructor(
    readonly log: LogBuffer,
    readonly ms: number,
    /** Where `run()` writes the Node.js threadId of the isolate it ran on. */
    readonly ranOn: Int32Array,
  ) {
    super();
  }

  override async run(): Promise<void> {
    this.ranOn[0] = currentThread().nativeId ?? -1;
    print(this.log, 'run is running');
    await sleep(this.ms);
    print(this.log, 'run is over');
  }
}

const seed = defineSeed({
  id: 'S02',
  title: 'subclass Thread, override run()',
  python: 'run executes in the new thread',
  async run(out, { quick }) {
    await using log = new ThreadLog(out);
    const ranOn = new Int32Array(new SharedArrayBuffer(4));
    const obj = new MyThread(log.buffer, quick ? 100 : 1000, ranOn);
    obj.start();
    log.print('主线程');
    await obj.join();
    return `${obj.name}'s run() ran in the new thread, on isolate ${ranOn[0]} (the main thread is isolate 0)`;
  },
});

export default seed;
runIfMain(import.meta, seed);
