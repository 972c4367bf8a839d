/**
 * S21, thread flavour: several producers and several consumers share one bounded queue, each
 * in a thread of its own. When the producers are done, the main thread puts one `null`
 * sentinel per consumer (Python's `None`); each consumer stops at its sentinel. Every item is
 * consumed exactly once, every thread ends, and so does the program.
 *
 * The seed runs this between processes with `multiprocessing.Queue`; with threads, Python's
 * program is the same with `queue.Queue` and `threading.Thread`:
 *
 * ```python
 * import queue, threading
 *
 * def producer(q, name, count):
 *     for i in range(count):
 *         q.put(f'{name}-{i}')
 *
 * def consumer(q, done, name):
 *     items = []
 *     while (item := q.get()) is not None:
 *         items.append(item)
 *     done.put((name, items))
 *
 * q, done = queue.Queue(10), queue.SimpleQueue()
 * consumers = [threading.Thread(target=consumer, args=(q, done, f'C{i}')) for i in range(2)]
 * producers = [threading.Thread(target=producer, args=(q, f'P{i}', 20)) for i in range(3)]
 * for t in consumers + producers: t.start()
 * for t in producers: t.join()
 * for _ in consumers: q.put(None)
 * for t in consumers: t.join()
 * ```
 *
 * The thread functions are exported: each thread imports this module to find its function.
 */
import { Queue, SimpleQueue } from 'weft/queue';
import { Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';

/** A producer thread: puts `count` items named after it, waiting while the queue is full. */
export function producer(q: Queue<string | null>, name: string, count: number): void {
  for (let i = 0; i < count; i++) q.putSync(`${name}-${i}`);
}

/** A consumer thread: takes items until its `null` sentinel, then reports what it took. */
export function consumer(
  q: Queue<string | null>,
  done: SimpleQueue<{ name: string; items: string[] }>,
  name: string,
): void {
  const items: string[] = [];
  for (let item = q.getSync(); item !== null; item = q.getSync()) items.push(item);
  done.putSync({ name, items });
}

const seed = defineSeed({
  id: 'S21',
  title: 'producers and consumers in threads share a bounded Queue, with a null sentinel each',
  python: 'all items consumed, program ends',
  async run(out, { quick }) {
    const [producers, consumers, perProducer] = quick ? [3, 2, 20] : [4, 3, 1000];
    const q = new Queue<string | null>({ maxsize: 10 });
    const done = new SimpleQueue<{ name: string; items: string[] }>();
    out.log(
      `${producers} producers x ${perProducer} items, ${consumers} consumers, Queue({ maxsize: 10 })`,
    );
    const consumerThreads = Array.from(
      { length: consumers },
      (_, i) => new Thread({ target: consumer, args: [q, done, `C${i}`], name: `C${i}` }),
    );
    const producerThreads = Array.from(
      { length: producers },
      (_, i) => new Thread({ target: producer, args: [q, `P${i}`, perProducer], name: `P${i}` }),
    );
    for (const t of [...consumerThreads, ...producerThreads]) t.start();
    for (const t of producerThreads) await t.join();
    out.log('producers done; one sentinel per consumer');
    for (let i = 0; i < consumers; i++) await q.put(null);
    for (const t of consumerThreads) await t.join();

    const reports: { name: string; items: string[] }[] = [];
    while (!done.empty()) reports.push(done.getNowait());
    reports.sort((a, b) => a.name.localeCompare(b.name));
    for (const r of reports) out.log(`${r.name} consumed ${r.items.length} items`);
    const all = reports.flatMap((r) => r.items);
    const expected = producers * perProducer;
    const once = new Set(all).size === all.length && all.length === expected;
    const alive = [...consumerThreads, ...producerThreads].filter((t) => t.isAlive()).length;
    out.log(`${all.length} of ${expected} items consumed, each once: ${once}`);
    out.log(`threads still alive: ${alive}`);
    return `all ${expected} items consumed exactly once by ${consumers} consumer threads; every thread ended`;
  },
});

export default seed;
runIfMain(import.meta, seed);
