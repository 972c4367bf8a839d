/**
 * S37: subclass `Process`, take arguments in the constructor, override `run()`; `start()`
 * runs `run()` in the child, with the fields the constructor set.
 *
 * Python:
 *   class MyProcess(multiprocessing.Process):
 *       def __init__(self, task_name, nums):
 *           super(MyProcess, self).__init__()
 *           self.task_name = task_name
 *           self.nums = nums
 *
 *       def run(self):
 *           for i in range(self.nums):
 *               print('--- I do %s, this is num %d' % (self.task_name, i))
 *               time.sleep(1)
 *
 *   t1 = MyProcess('dancing', 5)
 *   t2 = MyProcess('singing', 8)
 *   t1.start()
 *   t2.start()          # the two processes' lines interleave
 *
 * The class is exported: the child imports this module and rebuilds the object from its class
 * and its own fields, which cross like arguments; weft's process objects among them (here the
 * queue the child prints through, and a `Barrier`) arrive live. The barrier makes the two
 * begin together whatever each took to start, so that their lines interleave on a busy machine
 * too; Python's children start in milliseconds and do not need it.
 */
import { Barrier, Process, SimpleQueue } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';
import { type ChildLines, joinAll, printChildLines, startAll } from './_util.js';

export class MyProcess extends Process {
  constructor(
    readonly taskName: string,
    readonly nums: number,
    readonly lines: ChildLines,
    readonly ms: number,
    readonly together: Barrier,
  ) {
    super();
  }

  override async run(): Promise<void> {
    await this.lines.put(`(${this.name}: run() in process ${process.pid})`);
    await this.together.wait();
    for (let i = 0; i < this.nums; i++) {
      await this.lines.put(`--- I do ${this.taskName}, this is num ${i}`);
      await new Promise((r) => setTimeout(r, this.ms));
    }
    await this.lines.put(null);
  }
}

const seed = defineSeed({
  id: 'S37',
  title: 'subclass Process with run() and constructor arguments',
  python: "two MyProcess objects' lines interleave",
  async run(out, { quick }) {
    const ms = quick ? 200 : 1000;
    const lines: ChildLines = new SimpleQueue();
    const together = new Barrier(2);
    const t1 = new MyProcess('dancing', quick ? 3 : 5, lines, ms, together);
    const t2 = new MyProcess('singing', quick ? 4 : 8, lines, ms, together);
    startAll([t1, t2]);
    const printed = await printChildLines(lines, out, 2);
    await joinAll([t1, t2]);
    const doing = printed.filter((l) => l.startsWith('--- '));
    const lastDancing = doing.findLastIndex((l) => l.includes('dancing'));
    const firstSinging = doing.findIndex((l) => l.includes('singing'));
    const interleaved = firstSinging >= 0 && firstSinging < lastDancing;
    out.log(
      `${t1.name} (pid ${t1.pid}) and ${t2.name} (pid ${t2.pid}) exited with ${t1.exitcode} and ${t2.exitcode}; their lines interleaved: ${interleaved}`,
    );
    return `${t1.name} and ${t2.name} ran their run() in processes ${t1.pid} and ${t2.pid} with the constructor's fields; lines interleaved: ${interleaved}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
