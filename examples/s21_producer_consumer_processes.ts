/**
 * S21, process flavour: several producer processes and several consumer processes share one
 * bounded `multiprocessing`-style Queue. When the producers are done, the main process puts
 * one `null` sentinel per consumer (Python's `None`); each consumer stops at its sentinel and
 * reports what it took through a second queue. Every item is consumed exactly once, every
 * process ends, and so does the program.
 *
 * ```python
 * from multiprocessing import Process, Queue, SimpleQueue
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
 * if __name__ == '__main__':
 *     q, done = Queue(10), SimpleQueue()
 *     consumers = [Process(target=consumer, args=(q, done, f'C{i}')) for i in range(2)]
 *     producers = [Process(target=producer, args=(q, f'P{i}', 20)) for i in range(3)]
 *     for p in consumers + producers: p.start()
 *     for p in producers: p.join()
 *     for _ in consumers: q.put(None)
 *     reports = [done.get() for _ in consumers]
 *     for p in consumers: p.join()
 * ```
 *
 * The process targets are exported: each child imports this module to find its function.
 */
import { Process, Queue, SimpleQueue } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** A producer process: puts `count` items named after it, waiting while the queue is full. */
export async function producer(
  q: Queue<string | null>,
  name: string,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) await q.put(`${name}-${i}`);
}

/** A consumer process: takes items until its `null` sentinel, then reports what it took. */
export async function consumer(
  q: Queue<string | null>,
  done: SimpleQueue<{ name: string; items: string[] }>,
  name: string,
): Promise<void> {
  const items: string[] = [];
  for (let item = await q.get(); item !== null; item = await q.get()) items.push(item);
  await done.put({ name, items });
}

const seed = defineSeed({
  id: 'S21',
  title: 'producer and consumer processes share a bounded process Queue, with a null sentinel each',
  python: 'all items consumed, program ends',
  async run(out, { quick }) {
    const [producers, consumers, perProducer] = quick ? [3, 2, 20] : [4, 3, 500];
    const q = new Queue<string | null>({ maxsize: 10 });
    const done = new SimpleQueue<{ name: string; items: string[] }>();
    out.log(
      `${producers} producer processes x ${perProducer} items, ${consumers} consumer processes, Queue({ maxsize: 10 })`,
    );
    const consumerProcs = Array.from(
      { length: consumers },
      (_, i) => new Process({ target: consumer, args: [q, done, `C${i}`], name: `C${i}` }),
    );
    const producerProcs = Array.from(
      { length: producers },
      (_, i) => new Process({ target: producer, args: [q, `P${i}`, perProducer], name: `P${i}` }),
    );
    for (const p of [...consumerProcs, ...producerProcs]) p.start();
    for (const p of producerProcs) await p.join();
    out.log('producers done; one sentinel per consumer');
    for (let i = 0; i < consumers; i++) await q.put(null);
    const reports: { name: string; items: string[] }[] = [];
    for (let i = 0; i < consumers; i++) reports.push(await done.get());
    for (const p of consumerProcs) await p.join();
    reports.sort((a, b) => a.name.localeCompare(b.name));
    for (const r of reports) out.log(`${r.name} consumed ${r.items.length} items`);
    const all = reports.flatMap((r) => r.items);
    const expected = producers * perProducer;
    const once = new Set(all).size === all.length && all.length === expected;
    const alive = [...consumerProcs, ...producerProcs].filter((p) => p.isAlive()).length;
    out.log(`${all.length} of ${expected} items consumed, each once: ${once}`);
    out.log(`processes still alive: ${alive}`);
    return `all ${expected} items consumed exactly once by ${consumers} consumer processes; every process ended`;
  },
});

export default seed;
runIfMain(import.meta, seed);
