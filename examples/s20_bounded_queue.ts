/**
 * S20: a bounded queue. With room for three items the fourth `put` waits until a `get` makes
 * room; asked not to wait (`{ timeout: 0 }`), to wait a little (`timeout`), or with
 * `putNowait`, it raises `Full` instead. `qsize`, `empty` and `full` report the state.
 *
 * ```python
 * import queue
 *
 * q = queue.Queue(3)
 * for i in (1, 2, 3):
 *     q.put(i)
 * print(q.qsize(), q.empty(), q.full())   # 3 False True
 * # q.put(4) would block here until another thread takes an item
 * try:
 *     q.put(4, block=False)
 * except queue.Full:
 *     print('Full')
 * try:
 *     q.put(4, timeout=5)
 * except queue.Full:
 *     print('Full after 5 s')
 * try:
 *     q.put_nowait(4)
 * except queue.Full:
 *     print('Full')
 * ```
 */
import { Full, Queue } from 'weft/queue';
import { defineSeed, runIfMain, type SeedOutput } from './_seed.js';

function state(q: Queue): string {
  return `qsize=${q.qsize()} empty=${q.empty()} full=${q.full()}`;
}

/** Runs `attempt` and reports whether it raised Full. */
async function expectFull(out: SeedOutput, what: string, attempt: () => unknown): Promise<void> {
  try {
    await attempt();
    out.log(`${what} succeeded`);
  } catch (err) {
    if (!(err instanceof Full)) throw err;
    out.log(`${what} raised Full`);
  }
}

const seed = defineSeed({
  id: 'S20',
  title: 'Queue(3): the 4th put waits; put with timeout 0, a timeout, or putNowait raise Full',
  python: 'Queue(3): 4th put blocks; put(block=False), put(timeout=5), put_nowait raise Full',
  async run(out, { quick }) {
    const wait = quick ? 50 : 1000;
    const q = new Queue<number>({ maxsize: 3 });
    out.log(`new Queue({ maxsize: 3 }): ${state(q)}`);
    for (const n of [1, 2, 3]) await q.put(n);
    out.log(`after put 1, 2, 3: ${state(q)}`);

    let fourthDone = false;
    const fourth = q.put(4).then(() => (fourthDone = true));
    await new Promise((r) => setTimeout(r, wait));
    out.log(`the 4th put is still waiting after ${wait} ms: ${!fourthDone}`);
    out.log(`get() -> ${await q.get()}`);
    await fourth;
    out.log(`the 4th put went through: ${state(q)}`);

    await expectFull(out, 'put(5, { timeout: 0 })', () => q.put(5, { timeout: 0 }));
    const t0 = performance.now();
    await expectFull(out, `put(5, { timeout: ${wait} })`, () => q.put(5, { timeout: wait }));
    const waited = performance.now() - t0 >= wait * 0.9;
    out.log(`  ... after waiting its timeout: ${waited}`);
    await expectFull(out, 'putNowait(5)', () => q.putNowait(5));

    const drained: number[] = [];
    while (!q.empty()) drained.push(q.getNowait());
    out.log(`drained ${drained.join(' ')}: ${state(q)}`);
    return `the 4th put waited for room; timeout 0, a ${wait} ms timeout and putNowait raised Full`;
  },
});

export default seed;
runIfMain(import.meta, seed);
