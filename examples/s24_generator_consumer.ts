/**
 * S24: a generator coroutine consumer driven by `send()` (here `next(value)`), beside the
 * same producer/consumer on weft's async Queue.
 *
 * Python:
 *   def consumer():
 *       r = ''
 *       while True:
 *           n = yield r
 *           if not n: return
 *           print('[CONSUMER] Consuming %s...' % n)
 *           r = '200 OK'
 *   def produce(c):
 *       c.send(None)
 *       for n in 1..5: print('[PRODUCER] Producing %s...' % n); r = c.send(n); print(...)
 *       c.close()
 */
import { createTask, Queue } from 'weft/asyncio';
import { defineSeed, runIfMain, type SeedOutput } from './_seed.js';

function* consumer(out: SeedOutput): Generator<string, void, number | undefined> {
  let r = '';
  for (;;) {
    const n = yield r;
    if (!n) return;
    out.log(`[CONSUMER] Consuming ${n}...`);
    r = '200 OK';
  }
}

function produce(
  out: SeedOutput,
  c: Generator<string, void, number | undefined>,
  count: number,
): void {
  c.next(); // Python's c.send(None): run to the first yield
  for (let n = 1; n <= count; n++) {
    out.log(`[PRODUCER] Producing ${n}...`);
    const r = c.next(n).value;
    out.log(`[PRODUCER] Consumer return: ${r}`);
  }
  c.return(); // c.close()
}

/** The same exchange with two tasks and a weft Queue: the reply travels back by `join`. */
async function produceWithQueue(out: SeedOutput, count: number): Promise<void> {
  const q = new Queue<number>({ maxsize: 1 });
  let reply = '';
  const consume = createTask(async () => {
    for await (const n of q) {
      out.log(`[CONSUMER] Consuming ${n}...`);
      reply = '200 OK';
      q.taskDone();
    }
  });
  for (let n = 1; n <= count; n++) {
    out.log(`[PRODUCER] Producing ${n}...`);
    await q.put(n);
    await q.join(); // wait until the consumer has handled it, like send() returning
    out.log(`[PRODUCER] Consumer return: ${reply}`);
  }
  q.shutdown(); // close(): the consumer's loop ends
  await consume;
}

const seed = defineSeed({
  id: 'S24',
  title: 'generator coroutine consumer driven by send(), and the same over an async Queue',
  python: 'producer/consumer interleave',
  async run(out, { quick }) {
    const count = quick ? 3 : 5;
    out.log('-- generator coroutine (send = next(value))');
    produce(out, consumer(out), count);
    out.log('-- weft/asyncio Queue, two tasks');
    await produceWithQueue(out, count);
    return `producer and consumer interleave item by item, ${count} items, both ways`;
  },
});

export default seed;
runIfMain(import.meta, seed);
