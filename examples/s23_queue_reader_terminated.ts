/**
 * S23: a writer process and a reader process share one Queue. The writer puts A, B, C; the
 * reader loops forever taking items (it never ends by itself), so the parent waits for the
 * writer, gives the reader time to read, then `terminate()`s it.
 *
 * ```python
 * from multiprocessing import Process, Queue
 * import os, time
 *
 * def write(q):
 *     print('Process to write: %s' % os.getpid())
 *     for value in ['A', 'B', 'C']:
 *         print('Put %s to queue...' % value)
 *         q.put(value)
 *         time.sleep(random.random())
 *
 * def read(q):
 *     print('Process to read: %s' % os.getpid())
 *     while True:
 *         value = q.get(True)
 *         print('Get %s from queue.' % value)
 *
 * if __name__ == '__main__':
 *     q = Queue()
 *     pw = Process(target=write, args=(q,))
 *     pr = Process(target=read, args=(q,))
 *     pw.start(); pr.start()
 *     pw.join()
 *     pr.terminate()
 * ```
 *
 * The children's lines come back to the parent through a second queue (`log`), so that the
 * parent prints them in order and a test can read them.
 */
import { Process, Queue, SimpleQueue } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** The writer: A, B, C with short pauses. */
export async function write(
  q: Queue<string>,
  log: SimpleQueue<string>,
  pauseMs: number,
): Promise<void> {
  await log.put(`Process to write: ${process.pid}`);
  for (const value of ['A', 'B', 'C']) {
    await log.put(`Put ${value} to queue...`);
    await q.put(value);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** The reader: takes items forever. */
export async function read(q: Queue<string>, log: SimpleQueue<string>): Promise<void> {
  await log.put(`Process to read: ${process.pid}`);
  for (;;) {
    const value = await q.get();
    await log.put(`Get ${value} from queue.`);
  }
}

const seed = defineSeed({
  id: 'S23',
  title: 'writer and reader processes on one Queue; the reader is terminated',
  python: 'A B C read',
  async run(out, { quick }) {
    const q = new Queue<string>();
    const log = new SimpleQueue<string>();
    const pw = new Process({ target: write, args: [q, log, quick ? 20 : 300] });
    const pr = new Process({ target: read, args: [q, log] });
    pw.start();
    pr.start();
    await pw.join();
    const lines: string[] = [];
    // Six lines from the writer and the reader's greeting, then its three reads.
    while (lines.filter((l) => l.startsWith('Get ')).length < 3)
      lines.push(await log.get({ timeout: 30_000 }));
    pr.terminate();
    await pr.join();
    for (const line of lines) out.log(line.replace(/\d+$/, '<pid>'));
    const taken = lines.filter((l) => l.startsWith('Get ')).map((l) => l.split(' ')[1]);
    out.log(`reader exitcode: ${pr.exitcode}`);
    return `the reader read ${taken.join(' ')}, then terminate() ended it (exitcode ${pr.exitcode})`;
  },
});

export default seed;
runIfMain(import.meta, seed);
