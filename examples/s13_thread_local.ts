/**
 * S13: `threading.local()`: one object, and each thread sees its own `student`.
 *
 * Python:
 *   local_school = threading.local()
 *
 *   def process_student():
 *       std = local_school.student
 *       print('Hello, %s (in %s)' % (std, threading.current_thread().name))
 *
 *   def process_thread(name):
 *       local_school.student = name
 *       process_student()
 *
 *   t1 = threading.Thread(target=process_thread, args=('Alice',), name='Thread-A')
 *   t2 = threading.Thread(target=process_thread, args=('Bob',), name='Thread-B')
 *   t1.start(); t2.start(); t1.join(); t2.join()
 *
 * `localSchool` is a module variable, as in Python: each isolate that imports this module
 * has one. Virtual threads are spread over one isolate per CPU, so several may share an
 * isolate, and with it every module variable; `local()` still gives each its own `student`.
 * The threads yield between setting and reading it, so threads sharing an isolate interleave.
 */
import { sleep } from 'weft/asyncio';
import { currentThread, local, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { joinAll, type LogBuffer, print, startAll, ThreadLog } from './_util.js';

export const localSchool = local<{ student: string }>();

function processStudent(log: LogBuffer): void {
  const std = localSchool.student;
  print(log, `Hello, ${std} (in ${currentThread().name})`);
}

export async function processThread(log: LogBuffer, name: string): Promise<void> {
  localSchool.student = name;
  await sleep(10); // let the other thread run: it sets its own `student` meanwhile
  processStudent(log);
}

const seed = defineSeed({
  id: 'S13',
  title: 'threading.local(): each thread its own student',
  python: 'Alice / Bob',
  async run(out) {
    await using log = new ThreadLog(out);
    const t1 = new Thread({ target: processThread, args: [log.buffer, 'Alice'], name: 'Thread-A' });
    const t2 = new Thread({ target: processThread, args: [log.buffer, 'Bob'], name: 'Thread-B' });
    await joinAll(startAll([t1, t2]));
    const where =
      t1.nativeId === t2.nativeId
        ? `both on isolate ${t1.nativeId}`
        : `on isolates ${t1.nativeId} and ${t2.nativeId}`;
    return `one local(), each thread saw its own student (${where}); the main thread has none (${String(localSchool.student)})`;
  },
});

export default seed;
runIfMain(import.meta, seed);
