/**
 * S34: processes print two lines each while holding a process `Lock`, so that one process's
 * pair is never split by another's.
 *
 * ```python
 * from multiprocessing import Process, Lock
 *
 * def f(l, i):
 *     with l:
 *         print('hello world', i)
 *         print('hello world', i, 'again')
 *
 * if __name__ == '__main__':
 *     lock = Lock()
 *     for num in range(10):
 *         Process(target=f, args=(lock, num)).start()
 * ```
 *
 * The children write their lines to a shared process queue (standing in for the shared
 * stdout), with a pause between the two lines of a pair to give others every chance to cut in.
 */
import { Lock, Process, SimpleQueue } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** One process: two lines under the lock, a pause between them. */
export async function f(l: Lock, out: SimpleQueue<string>, i: number): Promise<void> {
  using _ = await l.acquire();
  await out.put(`hello world ${i}`);
  await new Promise((r) => setTimeout(r, 5));
  await out.put(`hello world ${i} again`);
}

const seed = defineSeed({
  id: 'S34',
  title: 'a process Lock around two prints',
  python: 'pairs never interleave',
  async run(out, { quick }) {
    const n = quick ? 4 : 10;
    const lock = new Lock();
    const lines = new SimpleQueue<string>();
    const ps = Array.from(
      { length: n },
      (_, i) => new Process({ target: f, args: [lock, lines, i] }),
    );
    for (const p of ps) p.start();
    for (const p of ps) await p.join();
    const got: string[] = [];
    for (let k = 0; k < 2 * n; k++) got.push(await lines.get());
    for (const line of got) out.log(line);
    let paired = true;
    for (let k = 0; k < got.length; k += 2) if (`${got[k]} again` !== got[k + 1]) paired = false;
    out.log(`pairs never interleave: ${paired}`);
    return `${n} processes printed ${n} pairs under one Lock; pairs interleaved: ${!paired}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
