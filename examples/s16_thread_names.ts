/**
 * S16: a thread's name (`name`, `getName`, `setName`), `isAlive`, `enumerate`.
 *
 * Python:
 *   def desk():
 *       print('hihihi')
 *
 *   t = Thread(target=desk)
 *   t.start()
 *   print(t.is_alive())   # True
 *   t.setName('lin')
 *   print(t.getName())    # lin
 *   print(t.getName())
 *   print(t.name)
 *
 *   # threading.enumerate(): the running threads; active_count() == len(enumerate())
 *
 * `desk` sleeps a moment after printing, so that it is still running while the main thread
 * looks at it.
 */
import { sleep } from 'weft/asyncio';
import { activeCount, enumerate, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { type LogBuffer, print, ThreadLog } from './_util.js';

export async function desk(log: LogBuffer, ms: number): Promise<void> {
  print(log, 'hihihi');
  await sleep(ms);
}

const seed = defineSeed({
  id: 'S16',
  title: 'name, getName/setName, isAlive, enumerate',
  python: 'True, lin, lin, lin',
  async run(out, { quick }) {
    await using log = new ThreadLog(out);
    const t = new Thread({ target: desk, args: [log.buffer, quick ? 100 : 1000] });
    const before = t.name;
    t.start();
    log.print(t.isAlive());
    t.setName('lin');
    log.print(t.getName());
    log.print(t.getName());
    log.print(t.name);
    const running = enumerate().map((th) => th.name);
    log.print(`enumerate(): ${running.join(', ')}; activeCount(): ${activeCount()}`);
    await t.join();
    log.print(
      `after join: isAlive() ${t.isAlive()}; enumerate(): ${enumerate()
        .map((th) => th.name)
        .join(', ')}`,
    );
    return `'${before}' renamed '${t.name}' while running; listed by enumerate() while alive, gone after join`;
  },
});

export default seed;
runIfMain(import.meta, seed);
