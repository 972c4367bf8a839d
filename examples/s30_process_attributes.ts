/**
 * S30: `Process(target, name, args, kwargs)`, `start()`, and what a process knows about
 * itself: its `name`, its `pid`, and in the child `os.getpid()` (its own id) and
 * `os.getppid()` (its parent's, which is the parent's `os.getpid()`).
 *
 * Python:
 *   def task(name, age):
 *       print('hi')
 *       print('name:', name)
 *       print('age:', age)
 *       print('task这个子进程号为:', os.getpid())   # this child's pid
 *       print('主进程号为:', os.getppid())          # its parent's pid
 *
 *   if __name__ == '__main__':
 *       p = Process(target=task, name='lin', args=('rui',), kwargs={'age': 18})
 *       p.start()
 *       print(p.name)                             # lin: first, as the child takes time to start
 *       print('子进程号1为:', p.pid)               # the child's pid, seen by the parent
 *       print('主进程号1为:', os.getpid())         # the parent's own pid
 *
 * In Node `os.getpid()` is `process.pid` and `os.getppid()` is `process.ppid`. JavaScript has
 * no keyword arguments: `kwargs` arrives as one last argument, an object. The child prints
 * through a process queue (see `ChildLines`), so its lines reach the demo and the tests.
 */
import { currentProcess, Process, SimpleQueue } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';
import { type ChildLines, printChildLines } from './_util.js';

/** The child's target: `args` first, then `kwargs` as one object. */
export async function task(
  name: string,
  lines: ChildLines,
  kwargs?: { age?: number },
): Promise<void> {
  await lines.put('hi');
  await lines.put(`name: ${name}`);
  await lines.put(`age: ${kwargs?.age}`);
  await lines.put(`currentProcess().name: ${currentProcess().name}`);
  await lines.put(`task这个子进程号为: ${process.pid}`);
  await lines.put(`主进程号为: ${process.ppid}`);
  await lines.put(null);
}

const seed = defineSeed({
  id: 'S30',
  title: 'Process(target, name, args, kwargs): name, pid, getpid/getppid in the child',
  python: "p.name 'lin'; the child's getppid() is the parent's getpid()",
  async run(out) {
    const lines: ChildLines = new SimpleQueue();
    const p = new Process({ target: task, name: 'lin', args: ['rui', lines], kwargs: { age: 18 } });
    p.start();
    out.log(p.name);
    out.log(`子进程号1为: ${p.pid}`);
    out.log(`主进程号1为: ${process.pid}`);
    const child = await printChildLines(lines, out);
    await p.join();
    const pidOf = (label: string): number =>
      Number(child.find((l) => l.startsWith(label))?.split(' ')[1]);
    const getpid = pidOf('task这个子进程号为:');
    const getppid = pidOf('主进程号为:');
    out.log(
      `(the child's getpid() is p.pid: ${getpid === p.pid}; its getppid() is the parent's getpid(): ${getppid === process.pid}; exitcode ${p.exitcode})`,
    );
    return `'${p.name}' ran task('rui', { age: 18 }) in process ${p.pid}, whose getppid() ${getppid} is the parent's getpid() ${process.pid}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
