import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ArgumentTypeError, CancelledError, TimeoutError, ValueError } from 'weft/errors';
import { AsyncResult, cpuCount, Pool } from 'weft/multiprocessing';
import * as tasks from '../fixtures/pool_tasks.js';
import { liveChildren, until } from '../futures/_process_helpers.js';

const T = { timeout: 60_000 };

describe('Pool', () => {
  after(async () => {
    assert.ok(await until(() => liveChildren().length === 0, 5000), `left: ${liveChildren()}`);
  });

  it('map returns results in input order, with and without chunks (S40)', T, async () => {
    await using pool = new Pool(4);
    assert.deepEqual(await pool.map(tasks.square, [1, 2, 3, 4, 5]), [1, 4, 9, 16, 25]);
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const squares = items.map((x) => x * x);
    assert.deepEqual(await pool.map(tasks.square, items), squares);
    assert.deepEqual(await pool.map(tasks.square, items, { chunksize: 7 }), squares);
    assert.deepEqual(await pool.map(tasks.square, new Set([3, 4])), [9, 16]);
    assert.deepEqual(await pool.map(tasks.square, []), []);
  });

  it('starmap and starmapAsync unpack argument lists', T, async () => {
    await using pool = new Pool(2);
    assert.deepEqual(
      await pool.starmap(tasks.add, [
        [1, 2],
        [3, 4],
      ]),
      [3, 7],
    );
    const seen: unknown[] = [];
    const r = pool.starmapAsync(
      tasks.add,
      [
        [10, 1],
        [20, 2],
      ],
      { chunksize: 1, callback: (v) => seen.push(v) },
    );
    assert.deepEqual(await r.get(), [11, 22]);
    assert.deepEqual(seen, [[11, 22]]);
  });

  it(
    'apply resolves to the result; applyAsync gives an AsyncResult with callbacks (S41, S42)',
    T,
    async () => {
      await using pool = new Pool(2);
      assert.equal(await pool.apply(tasks.add, [2, 3]), 5);
      const got: unknown[] = [];
      const r = pool.applyAsync(tasks.sleepThen, [100, 'v'], {
        callback: (v) => got.push(['ok', v]),
        errorCallback: (e) => got.push(['err', e]),
      });
      assert.ok(r instanceof AsyncResult);
      assert.equal(r.ready(), false);
      assert.throws(
        () => r.successful(),
        (e: unknown) => e instanceof ValueError && /not ready/.test(String(e)),
      );
      await assert.rejects(r.get({ timeout: 5 }), TimeoutError);
      await r.wait({ timeout: 5 });
      await r.wait();
      assert.equal(r.ready(), true);
      assert.equal(r.successful(), true);
      assert.equal(await r.get(), 'v');
      assert.equal(await r, 'v', 'an AsyncResult is awaitable');
      assert.deepEqual(got, [['ok', 'v']]);

      const bad = pool.applyAsync(tasks.fail, ['boom'], {
        callback: (v) => got.push(['ok', v]),
        errorCallback: (e) => got.push(['err', (e as Error).message]),
      });
      await assert.rejects(bad.get(), /boom/);
      assert.equal(bad.successful(), false);
      assert.deepEqual(got.at(-1), ['err', 'boom']);
      await assert.rejects(
        pool.apply(tasks.fail, ['again']),
        (e: unknown) => (e as Error).name === 'TaskFailure',
      );
    },
  );

  it('applyAsync runs in parallel where apply runs one at a time (S42)', T, async () => {
    await using pool = new Pool(2);
    await pool.map(tasks.square, [1, 2, 3, 4]);
    let t0 = performance.now();
    for (let i = 0; i < 2; i++) await pool.apply(tasks.sleepThen, [200, i]);
    const serial = performance.now() - t0;
    t0 = performance.now();
    const rs = [0, 1].map((i) => pool.applyAsync(tasks.sleepThen, [200, i]));
    for (const r of rs) await r.get();
    const parallel = performance.now() - t0;
    assert.ok(serial >= 400, `apply waits for each (${serial} ms)`);
    assert.ok(parallel < serial - 100, `applyAsync overlaps (${parallel} vs ${serial} ms)`);
  });

  it(
    'mapAsync: callback with the list, errorCallback with the first error once all are done',
    T,
    async () => {
      await using pool = new Pool(2);
      const calls: unknown[] = [];
      const ok = pool.mapAsync(tasks.square, [1, 2, 3], { callback: (v) => calls.push(v) });
      assert.deepEqual(await ok.get(), [1, 4, 9]);
      assert.deepEqual(calls, [[1, 4, 9]]);
      const errors: unknown[] = [];
      const bad = pool.mapAsync(tasks.fail, ['a', 'b'], {
        chunksize: 1,
        errorCallback: (e) => errors.push((e as Error).message),
      });
      await assert.rejects(bad.get(), /^TaskFailure: a$/);
      assert.deepEqual(errors, ['a']);
      assert.equal(bad.successful(), false);
    },
  );

  it(
    'imap yields in input order; imapUnordered yields every result as it finishes',
    T,
    async () => {
      await using pool = new Pool(2);
      const ordered: number[] = [];
      for await (const x of pool.imap(tasks.square, [1, 2, 3, 4, 5, 6, 7])) ordered.push(x);
      assert.deepEqual(ordered, [1, 4, 9, 16, 25, 36, 49]);
      const chunked: number[] = [];
      for await (const x of pool.imap(tasks.square, [1, 2, 3, 4, 5], { chunksize: 2 }))
        chunked.push(x);
      assert.deepEqual(chunked, [1, 4, 9, 16, 25]);
      const items = Array.from({ length: 50 }, (_, i) => i);
      const unordered: number[] = [];
      for await (const x of pool.imapUnordered(tasks.square, items, { chunksize: 3 }))
        unordered.push(x);
      assert.deepEqual(
        [...unordered].sort((a, b) => a - b),
        items.map((x) => x * x),
      );
      const finished: string[] = [];
      for await (const x of pool.imapUnordered(
        tasks.sleepThen as (ms: number) => Promise<string>,
        [600, 1] as never,
      ))
        finished.push(String(x));
      assert.equal(finished.length, 2);
      await assert.rejects(async () => {
        for await (const _ of pool.imap(tasks.fail, ['x'])) void _;
      }, /x/);
    },
  );

  it("close, join and terminate follow Python's rules", T, async () => {
    const pool = new Pool(2);
    await assert.rejects(
      pool.join(),
      (e: unknown) => e instanceof ValueError && /Pool is still running/.test(String(e)),
    );
    const late = pool.applyAsync(tasks.sleepThen, [150, 'late']);
    pool.close();
    pool.close();
    assert.throws(
      () => pool.apply(tasks.add, [1, 1]),
      (e: unknown) => e instanceof ValueError && /Pool not running/.test(String(e)),
    );
    assert.throws(() => pool.map(tasks.square, [1]), /Pool not running/);
    assert.throws(() => pool.imap(tasks.square, [1]), /Pool not running/);
    await pool.join();
    assert.equal(await late.get(), 'late', 'close lets submitted work finish');
    assert.match(String(pool), /<Pool state=CLOSE pool_size=2>/);

    const killed = new Pool(1);
    const pending = killed.applyAsync(tasks.sleepThen, [5000, 'never']);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await killed.terminate();
    await killed.join();
    assert.ok(performance.now() - t0 < 3000, 'terminate does not wait for the task');
    await assert.rejects(pending.get(), CancelledError);
    assert.throws(() => killed.applyAsync(tasks.add, [1, 1]), /Pool not running/);
  });

  it('await using terminates the pool', T, async () => {
    let r: AsyncResult<unknown>;
    {
      await using pool = new Pool(1);
      assert.equal(await pool.apply(tasks.add, [1, 1]), 2);
      r = pool.applyAsync(tasks.sleepThen, [5000, 'x']);
    }
    await assert.rejects(r.get(), CancelledError);
  });

  it('defaults to the CPU count; initializer, initargs and maxtasksperchild', T, async () => {
    const sized = new Pool();
    assert.equal(sized.processes, cpuCount());
    await sized.terminate();
    await using pool = new Pool(1, {
      initializer: tasks.init,
      initargs: ['set up'],
      maxtasksperchild: 2,
    });
    assert.equal(await pool.apply(tasks.readInit), 'set up');
    const pids = [];
    for (let i = 0; i < 5; i++) pids.push(await pool.apply(tasks.whichProcess));
    assert.ok(new Set(pids).size >= 3, `a new worker every two tasks: ${pids}`);
  });

  it('bad input names the parameter', T, async () => {
    assert.throws(
      () => new Pool(0),
      (e: unknown) => e instanceof ValueError && /processes must be >= 1/.test(String(e)),
    );
    assert.throws(() => new Pool(1.5), /processes must be an integer/);
    assert.throws(() => new Pool(1, { maxtasksperchild: 0 }), /maxtasksperchild must be >= 1/);
    assert.throws(
      () => new Pool(1, { initializer: 'x' as never }),
      /initializer must be a function/,
    );
    assert.throws(
      () => new Pool(1, { maxTasksPerChild: 2 } as never),
      /did you mean 'maxtasksperchild'/,
    );
    await using pool = new Pool(1);
    assert.throws(() => pool.map(tasks.square, [1], { chunksize: 0 }), /chunksize must be >= 1/);
    assert.throws(() => pool.imap(tasks.square, [1], { chunksize: 0 }), /chunksize must be >= 1/);
    assert.throws(() => pool.map(tasks.square, 5 as never), /iterable must be an iterable/);
    assert.throws(
      () => pool.starmap(tasks.add, [[1, 2], 3] as never),
      /iterable\[1\] must be an array/,
    );
    assert.throws(() => pool.apply(tasks.add, 3 as never), /args must be an array/);
    assert.throws(
      () => pool.applyAsync(tasks.add, [1, 2], { callback: 1 } as never),
      /callback must be a function/,
    );
    assert.throws(
      () => pool.applyAsync(tasks.add, [1, 2], { error_callback: () => {} } as never),
      /did you mean 'errorCallback'/,
    );
    assert.throws(() => pool.apply(5 as never), /fn must be a function/);
    assert.throws(
      () => pool.map(tasks.identity, [1, 2, 3, { s: Symbol('x') }], { chunksize: 2 }),
      (e: unknown) =>
        e instanceof ArgumentTypeError && /iterable\[3\]\.s/.test((e as Error).message),
    );
    assert.deepEqual(await pool.map(tasks.square, [2]), [4], 'the pool still serves');
  });
});
