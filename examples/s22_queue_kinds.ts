/**
 * S22: the three orders of Python's queue module: FIFO (`Queue`), LIFO (`LifoQueue`) and
 * lowest-first (`PriorityQueue`, here with `[priority, value]` pairs standing for Python's
 * tuples, which compare element by element as Python's do).
 *
 * ```python
 * import queue
 *
 * q = queue.Queue()
 * for i in (1, 2, 3): q.put(i)
 * while not q.empty(): print(q.get())            # 1 2 3
 *
 * lq = queue.LifoQueue()
 * for i in (1, 2, 3): lq.put(i)
 * while not lq.empty(): print(lq.get())          # 3 2 1
 *
 * pq = queue.PriorityQueue()
 * pq.put((30, 'thirty')); pq.put((20, 'twenty')); pq.put((40, 'forty'))
 * while not pq.empty(): print(pq.get()[0])       # 20 30 40
 * ```
 */
import { LifoQueue, PriorityQueue, Queue } from 'weft/queue';
import { defineSeed, runIfMain } from './_seed.js';

/** Takes every item of `q`, in the queue's order. */
async function drain<T>(q: Queue<T>): Promise<T[]> {
  const items: T[] = [];
  while (!q.empty()) items.push(await q.get());
  return items;
}

const seed = defineSeed({
  id: 'S22',
  title: 'Queue is FIFO, LifoQueue LIFO, PriorityQueue lowest first with [priority, value] pairs',
  python: '1 2 3 / 3 2 1 / 20 30 40',
  async run(out) {
    const fifo = new Queue<number>();
    for (const n of [1, 2, 3]) await fifo.put(n);
    out.log(`Queue:         ${(await drain(fifo)).join(' ')}`);

    const lifo = new LifoQueue<number>();
    for (const n of [1, 2, 3]) await lifo.put(n);
    out.log(`LifoQueue:     ${(await drain(lifo)).join(' ')}`);

    const prio = new PriorityQueue<[number, string]>();
    await prio.put([30, 'thirty']);
    await prio.put([20, 'twenty']);
    await prio.put([40, 'forty']);
    const pairs = await drain(prio);
    out.log(`PriorityQueue: ${pairs.map(([priority]) => priority).join(' ')}`);
    out.log(`  (values: ${pairs.map(([, value]) => value).join(' ')})`);
    return 'FIFO 1 2 3, LIFO 3 2 1, priority 20 30 40, as in Python';
  },
});

export default seed;
runIfMain(import.meta, seed);
