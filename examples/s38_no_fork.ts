/**
 * S38: `os.fork()` — Node.js has no `fork()`: a Node process runs threads of its own (V8's,
 * libuv's) that a forked copy would not have, so neither Node nor weft duplicates a running
 * program. weft starts a child the way Python's *spawn* start method does (the default on
 * Windows and macOS): a fresh Node process that imports the target's module by reference —
 * its top-level code runs again there, which is why the main program's code sits behind
 * `runIfMain` (Python's `if __name__ == '__main__'`) — and calls the target. The child does
 * not return "twice" from a call: the code for the child and the code for the parent are two
 * functions.
 *
 * Python:
 *   print('Process (%s) start...' % os.getpid())
 *   pid = os.fork()
 *   if pid == 0:
 *       print('I am child process (%s) and my parent is %s.' % (os.getpid(), os.getppid()))
 *   else:
 *       print('I (%s) just created a child process (%s).' % (os.getpid(), pid))
 */
import { ProcessPoolExecutor } from 'weft/futures';
import { isChild } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** Set when this module is imported: in the parent, and again in the child that re-imports it. */
const importedBy = process.pid;

/** The child's side: what Python's `if pid == 0:` branch printed, and proof of the re-import. */
export function childSide(): { line: string; importedInChild: boolean; child: boolean } {
  return {
    line: `I am child process (${process.pid}) and my parent is ${process.ppid}.`,
    importedInChild: importedBy === process.pid,
    child: isChild(),
  };
}

const seed = defineSeed({
  id: 'S38',
  title: 'os.fork(): none in Node; spawn by reference instead',
  python: 'child and parent branches of one fork() call',
  async run(out) {
    out.log(`Process (${process.pid}) start...`);
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    const f = pool.submit(childSide);
    const childPid = pool.pids[0];
    out.log(`I (${process.pid}) just created a child process (${childPid}).`);
    const child = await f;
    out.log(child.line);
    out.log(
      `(the child imported this module itself: ${child.importedInChild}; isChild() there: ${child.child}, here: ${isChild()})`,
    );
    return `no fork(): a spawned child (${childPid}) re-imported the module and ran childSide, its parent is ${process.pid}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
