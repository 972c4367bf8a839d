import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Empty, LifoQueue, PriorityQueue, Queue, SimpleQueue } from 'weft/queue';
import { Thread, watchWorker } from 'weft/threading';
import * as tasks from '../fixtures/queue_tasks.js';
import { within } from '../helpers.js';

const T = { timeout: 120_000 };

function startAll(threads: Thread[]): Thread[] {
  for (const t of threads) t.start();
  return threads;
}

async function joinAll(threads: Thread[], ms: number, what: string): Promise<void> {
  await within(ms, Promise.all(threads.map((t) => t.join())), what);
}

describe('queue across threads', () => {
  it(
    'many producers and consumers, sync and async, bounded: 210k items, none lost or duplicated',
    T,
    async () => {
      const q = new Queue<number | null>({ maxsize: 64 });
      const perProducer = 60_000;
      const asyncCount = 30_000;
      const total = 3 * perProducer + asyncCount;
      const seen = new Uint8Array(new SharedArrayBuffer(total));
      const taken = new Int32Array(new SharedArrayBuffer(4));
      const consumers = startAll([
        ...[0, 1, 2].map(() => new Thread({ target: tasks.consumeSync, args: [q, seen, taken] })),
        new Thread({ target: tasks.consumeAsync, args: [q, seen, taken] }),
      ]);
      const producers = startAll([
        ...[0, 1, 2].map(
          (k) => new Thread({ target: tasks.produceSync, args: [q, k * perProducer, perProducer] }),
        ),
        new Thread({ target: tasks.produceAsync, args: [q, 3 * perProducer, asyncCount] }),
      ]);
      await joinAll(producers, 90_000, 'the producers');
      for (let i = 0; i < consumers.length; i++) await q.put(null); // one sentinel each
      await joinAll(consumers, 30_000, 'the consumers');
      assert.equal(taken[0], total);
      const wrong = seen.findIndex((count) => count !== 1);
      assert.equal(wrong, -1, `item ${wrong} was taken ${seen[wrong]} times`);
      assert.ok(q.empty());
      assert.equal(await within(5000, q.join()), true, 'every item was marked done');
    },
  );

  it('queues nested in a thread argument arrive live, on the same memory', T, async () => {
    const q = new Queue<string>();
    const reply = new Queue<{ qsize: number; first: string }>();
    q.putNowait('from main');
    const t = new Thread({ target: tasks.echo, args: [{ queues: { q, reply } }] });
    t.start();
    assert.deepEqual(await within(10_000, reply.get()), { qsize: 1, first: 'from main' });
    assert.equal(await within(10_000, q.get()), 'from the thread');
    await t.join();
  });

  it('the main thread awaits get() while a thread putSyncs', T, async () => {
    const q = new Queue<unknown>();
    const t = new Thread({ target: tasks.putLater, args: [q, ['one', { two: [2] }], 30] });
    t.start();
    assert.equal(await within(10_000, q.get()), 'one');
    assert.deepEqual(await within(10_000, q.get()), { two: [2] });
    await t.join();
  });

  it('a thread blocked in getSync is woken by the main thread put', T, async () => {
    const q = new Queue<unknown>();
    const out = new Queue<unknown>();
    const t = new Thread({ target: tasks.getSyncInto, args: [q, out] });
    t.start();
    await new Promise((r) => setTimeout(r, 50)); // let it block
    await q.put({ hello: 'thread' });
    assert.deepEqual(await within(10_000, out.get()), { got: { hello: 'thread' } });
    await t.join();
  });

  it('a getSync in a thread times out with Empty', T, async () => {
    const q = new Queue<unknown>();
    const out = new Queue<unknown>();
    const t = new Thread({ target: tasks.getSyncInto, args: [q, out, 30] });
    t.start();
    assert.deepEqual(await within(10_000, out.get()), { error: 'Empty' });
    await t.join();
  });

  it('a virtual thread may not getSync, and awaits get() instead', T, async () => {
    const q = new Queue<string>();
    const out = new Queue<{ refused: string; got: string }>();
    const t = new Thread({ target: tasks.getInVirtual, args: [q, out] });
    t.start();
    await new Promise((r) => setTimeout(r, 30));
    q.putNowait('for the virtual thread');
    const answer = await within(10_000, out.get());
    assert.match(answer.refused, /Queue\.getSync\(\) would block a virtual thread/);
    assert.equal(answer.got, 'for the virtual thread');
    await t.join();
  });

  it(
    'a queue revived in a raw worker that imports only weft/threading is the same queue',
    T,
    async () => {
      const q = new Queue<string>();
      const reply = new SimpleQueue<{ qsize: number; first: string }>();
      q.putNowait('from main');
      const worker = watchWorker(
        new Worker(new URL('../fixtures/queue_raw_worker.js', import.meta.url)),
      );
      worker.postMessage({ q, reply });
      assert.deepEqual(await within(10_000, reply.get()), { qsize: 1, first: 'from main' });
      assert.equal(await within(10_000, q.get()), 'from the thread');
      await worker.terminate();
    },
  );

  it(
    'LifoQueue and PriorityQueue keep their order across threads; compare runs in each',
    T,
    async () => {
      const lifo = new LifoQueue<number>();
      const out = new Queue<unknown[]>();
      const putter = new Thread({ target: tasks.putAll, args: [lifo, [1, 2, 3]] });
      putter.start();
      await putter.join();
      const drainer = new Thread({ target: tasks.drain, args: [lifo, out] });
      drainer.start();
      assert.deepEqual(await within(10_000, out.get()), [3, 2, 1]);
      await drainer.join();

      const byLength = new PriorityQueue<string>({
        compare: (a, b) => a.length - b.length || (a < b ? -1 : 1),
      });
      byLength.putNowait('ccc');
      const p = new Thread({ target: tasks.putAll, args: [byLength, ['a', 'dddd', 'bb', 'b']] });
      p.start();
      await p.join();
      const d = new Thread({ target: tasks.drain, args: [byLength, out] });
      d.start();
      assert.deepEqual(await within(10_000, out.get()), ['a', 'b', 'bb', 'ccc', 'dddd']);
      await d.join();
      assert.throws(() => byLength.getNowait(), Empty);
    },
  );

  it('an async get keeps the process alive until an item comes (exit 0, not 13)', T, () => {
    const script = fileURLToPath(new URL('../fixtures/queue_keepalive.js', import.meta.url));
    for (const [mode, text] of [
      ['timer', 'from an unref timer'],
      ['thread', 'from a daemon thread'],
    ]) {
      const r = spawnSync(process.execPath, [script, mode!], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, `${mode}: exit ${r.status}; stderr: ${r.stderr}`);
      assert.equal(r.stdout.trim(), text);
    }
  });
});
