/**
 * S09: two locks taken in opposite orders by 10 threads: a deadlock. In Python the program
 * hangs forever; weft detects the cycle and raises `DeadlockError` in one of its threads,
 * and the program ends.
 *
 * Python:
 *   A = Lock()
 *   B = Lock()
 *
 *   class MyThread(Thread):
 *       def run(self):
 *           self.func1()
 *           self.func2()
 *       def func1(self):
 *           A.acquire(); print('%s 抢到了A锁' % self.name)
 *           B.acquire(); print('%s 抢到了B锁' % self.name)
 *           time.sleep(1)
 *           B.release(); print('%s 释放了B锁' % self.name)
 *           A.release(); print('%s 释放了A锁' % self.name)
 *       def func2(self):
 *           B.acquire(); print('%s 抢到了B锁' % self.name)
 *           A.acquire(); print('%s 抢到了A锁' % self.name)
 *           A.release(); print('%s 释放了A锁' % self.name)
 *           B.release(); print('%s 释放了B锁' % self.name)
 *
 *   for i in range(10):
 *       obj = MyThread()
 *       obj.start()
 *
 * `run()` is synchronous and blocks in `acquireSync()`, so each thread has an isolate of its
 * own. When threads blocked in `acquireSync()` (no timeout) wait for each other in a cycle,
 * one of them gets `DeadlockError` naming the threads and locks of the cycle; like any error
 * a thread does not catch, it goes to `excepthook`. The thread that raised it dies holding a
 * lock (the program has no try/finally, as in Python): the next thread to want that lock
 * takes it over, with `ownerDied` set on its releaser (the example says so), so the others
 * can finish.
 */
import type { DeadlockError } from 'weft/errors';
import { type ExceptHookArgs, Lock, setExcepthook, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { joinAll, type LogBuffer, print, sleepSync, startAll, ThreadLog } from './_util.js';

export class MyThread extends Thread {
  constructor(
    readonly A: Lock,
    readonly B: Lock,
    readonly log: LogBuffer,
    readonly ms: number,
  ) {
    super();
  }

  override run(): void {
    this.func1();
    this.func2();
  }

  func1(): void {
    const { A, B, log } = this;
    this.take(A, 'A');
    this.take(B, 'B');
    sleepSync(this.ms);
    B.release();
    print(log, `${this.name} 释放了B锁`);
    A.release();
    print(log, `${this.name} 释放了A锁`);
  }

  func2(): void {
    const { A, B, log } = this;
    this.take(B, 'B');
    this.take(A, 'A');
    A.release();
    print(log, `${this.name} 释放了A锁`);
    B.release();
    print(log, `${this.name} 释放了B锁`);
  }

  /** `lock.acquire()` and the print after it; says when the lock was taken over from a dead thread. */
  take(lock: Lock, name: 'A' | 'B'): void {
    const held = lock.acquireSync();
    const note = held.ownerDied ? ' (its holder had died holding it: ownerDied)' : '';
    print(this.log, `${this.name} 抢到了${name}锁${note}`);
  }
}

const seed = defineSeed({
  id: 'S09',
  title: 'two locks in opposite orders, 10 threads: deadlock',
  python: 'hangs forever (deadlock)',
  async run(out, { quick }) {
    await using log = new ThreadLog(out);
    const A = new Lock();
    const B = new Lock();
    const reports: string[] = [];
    const previous = setExcepthook((args: ExceptHookArgs) => {
      const err = args.excValue as DeadlockError;
      reports.push(err.name);
      log.print(`Exception in thread ${args.thread.name}: ${err.name}: ${err.message}`);
    });
    try {
      const ms = quick ? 50 : 1000;
      await joinAll(startAll(Array.from({ length: 10 }, () => new MyThread(A, B, log.buffer, ms))));
    } finally {
      setExcepthook(previous);
    }
    const deadlocks = reports.filter((r) => r === 'DeadlockError').length;
    return `the deadlock was detected ${deadlocks} time${deadlocks === 1 ? '' : 's'} (a DeadlockError in one thread of each cycle) and the program ended`;
  },
});

export default seed;
runIfMain(import.meta, seed);
