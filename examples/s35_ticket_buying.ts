/**
 * S35: ten processes buy tickets. Each reads the count from `db.txt` (JSON), pauses as a real
 * purchase would, and writes the count back one lower if a ticket was left. Under a process
 * `Lock` the file is never oversold; without it, several processes read the same count and
 * more tickets are sold than there were.
 *
 * ```python
 * from multiprocessing import Process, Lock
 * import json, time
 *
 * def search(name):
 *     print(f'{name} sees {json.load(open("db.txt"))["count"]} tickets left')
 *
 * def buy(name):
 *     dic = json.load(open('db.txt'))
 *     time.sleep(0.1)
 *     if dic['count'] > 0:
 *         dic['count'] -= 1
 *         json.dump(dic, open('db.txt', 'w'))
 *         print(f'{name} bought a ticket')
 *
 * def task(name, lock):
 *     search(name)
 *     with lock:
 *         buy(name)
 *
 * if __name__ == '__main__':
 *     lock = Lock()
 *     for i in range(10):
 *         Process(target=task, args=(f'P{i}', lock)).start()
 * ```
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Barrier, Lock, Process, SimpleQueue } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/**
 * One buyer: waits until every buyer is there (so that they all try at once, whatever the
 * time each took to start), then reads the count, pauses, and writes it back lower (under
 * `lock`, if given).
 */
export async function task(
  name: string,
  db: string,
  lock: Lock | null,
  sold: SimpleQueue<string>,
  pauseMs: number,
  start: Barrier,
): Promise<void> {
  await start.wait();
  const buy = async (): Promise<void> => {
    const dic = JSON.parse(readFileSync(db, 'utf8')) as { count: number };
    await new Promise((r) => setTimeout(r, pauseMs));
    if (dic.count > 0) {
      dic.count -= 1;
      writeFileSync(db, JSON.stringify(dic));
      await sold.put(name);
    }
  };
  if (lock) {
    using _ = await lock.acquire();
    await buy();
  } else await buy();
}

async function sale(
  withLock: boolean,
  tickets: number,
  pauseMs: number,
): Promise<{ sold: number; left: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-s35-'));
  const db = join(dir, 'db.txt');
  writeFileSync(db, JSON.stringify({ count: tickets }));
  const lock = withLock ? new Lock() : null;
  const sold = new SimpleQueue<string>();
  const start = new Barrier(10);
  const ps = Array.from(
    { length: 10 },
    (_, i) => new Process({ target: task, args: [`P${i}`, db, lock, sold, pauseMs, start] }),
  );
  for (const p of ps) p.start();
  for (const p of ps) await p.join();
  let n = 0;
  while (!sold.empty()) {
    sold.getNowait();
    n++;
  }
  const left = (JSON.parse(readFileSync(db, 'utf8')) as { count: number }).count;
  rmSync(dir, { recursive: true, force: true });
  return { sold: n, left };
}

const seed = defineSeed({
  id: 'S35',
  title: '10 processes buy tickets from db.txt under a process Lock',
  python: 'never oversold',
  async run(out, { quick }) {
    const tickets = 3;
    const pause = quick ? 50 : 100;
    const locked = await sale(true, tickets, pause);
    out.log(`with the Lock: ${locked.sold} tickets sold of ${tickets}, ${locked.left} left`);
    const unlocked = await sale(false, tickets, pause);
    out.log(
      `without it:    ${unlocked.sold} tickets sold of ${tickets} (oversold: ${unlocked.sold > tickets})`,
    );
    return `under the Lock ${locked.sold} of ${tickets} sold (never oversold); without it ${unlocked.sold} sold`;
  },
});

export default seed;
runIfMain(import.meta, seed);
