import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LifoQueue, PriorityQueue, Queue, ShutDown } from 'weft/queue';
import { within } from '../helpers.js';

const T = { timeout: 20_000 };

describe('queue.Queue.shutdown (Python 3.13)', () => {
  it('put raises ShutDown even with room, in every form', T, async () => {
    const q = new Queue<number>({ maxsize: 5 });
    q.putNowait(1);
    assert.ok(!q.isShutDown());
    q.shutdown();
    assert.ok(q.isShutDown());
    assert.throws(() => q.putNowait(2), ShutDown);
    assert.throws(() => q.putSync(2), ShutDown);
    await assert.rejects(
      q.put(2),
      (e: unknown) => e instanceof ShutDown && /shut down/.test((e as Error).message),
    );
    await assert.rejects(q.put(2, { timeout: 0 }), ShutDown);
    assert.equal(q.qsize(), 1);
  });

  it('get drains what is left, then raises ShutDown', T, async () => {
    const q = new LifoQueue<number>();
    for (const n of [1, 2, 3]) q.putNowait(n);
    q.shutdown();
    assert.equal(await q.get(), 3);
    assert.equal(q.getSync(), 2);
    assert.equal(q.getNowait(), 1);
    assert.throws(() => q.getNowait(), ShutDown);
    assert.throws(() => q.getSync(), ShutDown);
    await assert.rejects(q.get(), ShutDown);
    await assert.rejects(q.get({ timeout: 0 }), ShutDown);
  });

  it('every blocked get and put wakes up with ShutDown', T, async () => {
    const empty = new Queue<number>();
    const getters = [empty.get(), empty.get({ timeout: 60_000 }), empty.get()];
    const full = new Queue<number>({ maxsize: 1 });
    full.putNowait(0);
    const putters = [full.put(1), full.put(2, { timeout: 60_000 })];
    await new Promise((r) => setTimeout(r, 20));
    empty.shutdown();
    full.shutdown();
    for (const p of [...getters, ...putters])
      await within(5000, assert.rejects(p, ShutDown), 'a wakeup');
    assert.equal(full.getNowait(), 0, 'a non-immediate shutdown keeps the items');
  });

  it('immediate drops the items and lowers the unfinished count, waking join', T, async () => {
    const q = new PriorityQueue<number>();
    for (const n of [3, 1, 2]) q.putNowait(n);
    assert.equal(q.getNowait(), 1); // taken, not yet done
    const joined = q.join();
    q.shutdown({ immediate: true });
    assert.equal(q.qsize(), 0);
    assert.equal(q.unfinishedTasks, 1, 'the item taken is still unfinished');
    assert.throws(() => q.getNowait(), ShutDown);
    q.taskDone();
    assert.equal(await within(5000, joined), true);
  });

  it(
    'immediate with nothing taken: join returns at once; taskDone then has nothing to mark',
    T,
    async () => {
      const q = new Queue<string>();
      q.putNowait('a');
      q.putNowait('b');
      const joined = q.join();
      q.shutdown({ immediate: true });
      assert.equal(await within(5000, joined), true);
      assert.throws(() => q.taskDone(), /task_done\(\) called too many times/);
    },
  );

  it('shutdown is idempotent, and a later immediate one still drains', T, () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.shutdown();
    q.shutdown();
    assert.equal(q.qsize(), 1);
    q.shutdown({ immediate: true });
    assert.equal(q.qsize(), 0);
  });
});
