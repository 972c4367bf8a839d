/**
 * The executor conformance suite: behaviour every weft executor must show, whatever runs the
 * tasks (threads, processes, Redis). A backend's test file calls `executorConformance(name,
 * make)` with a factory; CPython runs its executor test mixins against each pool the same way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, CancelledError, RuntimeError, TimeoutError } from 'weft/errors';
import {
  asCompleted,
  type Executor,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  wait,
} from 'weft/futures';
import * as tasks from '../fixtures/pool_tasks.js';

export interface ConformanceOptions {
  /** Worker count the factory uses (for saturation tests). */
  workers: number;
}

export function executorConformance(
  name: string,
  make: (opts: ConformanceOptions) => Executor,
): void {
  const T = { timeout: 60_000 };
  const withExecutor =
    (fn: (ex: Executor) => Promise<void>, workers = 2) =>
    async () => {
      const ex = make({ workers });
      try {
        await fn(ex);
      } finally {
        await ex.shutdown({ wait: true, cancelFutures: true });
      }
    };

  describe(`${name}: Executor conformance`, () => {
    it(
      'submit returns a Future that resolves to the result',
      T,
      withExecutor(async (ex) => {
        const f = ex.submit(tasks.add, 1, 2);
        assert.ok(f instanceof Future);
        assert.ok(f instanceof Promise);
        assert.equal(await f, 3);
        assert.equal(await f.result(), 3);
        assert.equal(await f.exception(), undefined);
        assert.equal(f.done(), true);
        assert.equal(f.cancelled(), false);
        assert.equal(f.running(), false);
      }),
    );

    it(
      'values of many kinds cross both ways',
      T,
      withExecutor(async (ex) => {
        const values: unknown[] = [
          0,
          -0.5,
          2 ** 40,
          'héllo',
          '',
          true,
          null,
          undefined,
          [1, [2, 'x']],
          { a: { b: [null] } },
          new Map([[1, 'a']]),
          new Set([1]),
          new Date(0),
          10n,
          new Uint8Array([1, 2]),
        ];
        const out = await Promise.all(values.map((v) => ex.submit(tasks.identity, v)));
        assert.deepEqual(out, values);
      }),
    );

    it(
      "result() re-raises the task's error with its class name, message, worker stack and cause (S45)",
      T,
      withExecutor(async (ex) => {
        const f = ex.submit(tasks.fail, 'bad input');
        const err = (await f.exception()) as Error & { detail?: number };
        assert.equal(err.name, 'TaskFailure');
        assert.equal(err.message, 'bad input');
        assert.equal(err.detail, 42);
        assert.match(String(err.stack), /fail/);
        await assert.rejects(f.result(), /bad input/);
        await assert.rejects(f, /bad input/);
        const g = ex.submit(tasks.failWithCause, 'outer');
        const e2 = (await g.exception()) as Error;
        assert.ok(e2.cause instanceof RangeError);
        assert.equal((e2.cause as Error).message, 'root cause');
      }),
    );

    it(
      'a failed future nobody awaits does not crash the process',
      T,
      withExecutor(async (ex) => {
        const f = ex.submit(tasks.fail, 'ignored');
        await wait([f]);
        assert.equal(f.done(), true);
      }),
    );

    it(
      'map yields in input order, with several iterables, chunks and progress (S40, S46)',
      T,
      withExecutor(async (ex) => {
        assert.deepEqual(await ex.map(tasks.square, [1, 2, 3, 4, 5]), [1, 4, 9, 16, 25]);
        assert.deepEqual(await ex.map(tasks.add, [1, 2, 3], [10, 20]), [11, 22]);
        const slowFirst = await ex.map(tasks.sleepThen, [60, 1, 1], ['a', 'b', 'c']);
        assert.deepEqual(slowFirst, ['a', 'b', 'c']);
        const progress: number[] = [];
        const items = Array.from({ length: 100 }, (_, i) => i);
        const r = await ex.map(tasks.square, items, {
          chunksize: 7,
          onProgress: (done) => progress.push(done),
        });
        assert.deepEqual(
          r,
          items.map((x) => x * x),
        );
        assert.equal(progress.at(-1), 100);
        const seen: number[] = [];
        for await (const x of ex.map(tasks.square, [3, 4])) seen.push(x);
        assert.deepEqual(seen, [9, 16]);
        assert.deepEqual(await ex.map(tasks.square, []), []);
      }),
    );

    it(
      'map: a failing item throws at its place; the timeout counts from the call',
      T,
      withExecutor(async (ex) => {
        await assert.rejects(ex.map(tasks.fail, ['x']).toArray(), /x/);
        await assert.rejects(
          ex.map(tasks.sleepThen, [2000], [1], { timeout: 50 }).toArray(),
          TimeoutError,
        );
        assert.throws(() => ex.map(tasks.square, [1], { chunksize: 0 }), /chunksize must be >= 1/);
        assert.throws(() => ex.map(tasks.square, 5 as never), /iterables\[0\] must be an iterable/);
        assert.throws(
          () => ex.map(tasks.square, [1], { chunksize: 1, chunkSize: 2 } as never),
          /did you mean/,
        );
      }),
    );

    it(
      'addDoneCallback runs once the future is done, or at once if it is (S43)',
      T,
      withExecutor(async (ex) => {
        const seen: string[] = [];
        const f = ex.submit(tasks.add, 1, 2);
        f.addDoneCallback(() => seen.push('one'));
        f.addDoneCallback((d) => seen.push(`two:${d.done()}`));
        await f;
        f.addDoneCallback(() => seen.push('late'));
        assert.deepEqual(seen, ['one', 'two:true', 'late']);
        const g = ex.submit(tasks.add, 2, 2);
        const cb = () => seen.push('removed');
        g.addDoneCallback(cb);
        assert.equal(g.removeDoneCallback(cb), 1);
        await g;
        assert.ok(!seen.includes('removed'));
      }),
    );

    it(
      'a queued task can be cancelled; a running one cannot',
      T,
      withExecutor(async (ex) => {
        const blockers = [0, 1].map(() => ex.submit(tasks.sleepThen, 300, 'b'));
        const queued = ex.submit(tasks.sleepThen, 1, 'q');
        assert.equal(queued.cancel(), true);
        assert.equal(queued.cancelled(), true);
        assert.equal(queued.done(), true);
        await assert.rejects(queued.result(), CancelledError);
        await assert.rejects(queued, CancelledError);
        while (!blockers[0]!.running()) await new Promise((r) => setTimeout(r, 2));
        assert.equal(blockers[0]!.cancel(), false);
        assert.deepEqual(await Promise.all(blockers), ['b', 'b']);
      }, 2),
    );

    it(
      'result({ timeout }) rejects with TimeoutError, and the task goes on',
      T,
      withExecutor(async (ex) => {
        const f = ex.submit(tasks.sleepThen, 200, 'late');
        await assert.rejects(f.result({ timeout: 10 }), TimeoutError);
        assert.equal(await f.result(), 'late');
      }),
    );

    it(
      'wait with FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED and timeout (S44)',
      T,
      withExecutor(async (ex) => {
        const fast = ex.submit(tasks.sleepThen, 1, 'fast');
        const slow = ex.submit(tasks.sleepThen, 400, 'slow');
        const first = await wait([fast, slow], { returnWhen: FIRST_COMPLETED });
        assert.ok(first.done.has(fast));
        assert.ok(first.notDone.has(slow));
        const bad = ex.submit(tasks.fail, 'boom');
        const exc = await wait([bad, slow], { returnWhen: FIRST_EXCEPTION });
        assert.ok(exc.done.has(bad));
        const timed = await wait([slow], { timeout: 5 });
        assert.equal(timed.done.size + timed.notDone.size, 1);
        const all = await wait([fast, slow]);
        assert.equal(all.done.size, 2);
        assert.deepEqual(await wait([]), {
          done: new Set(),
          notDone: new Set(),
          pending: new Set(),
        });
      }),
    );

    it(
      'asCompleted yields futures in completion order',
      T,
      withExecutor(async (ex) => {
        // A wide margin: on a busy machine a process pool may start b's worker hundreds of
        // milliseconds after a's.
        const a = ex.submit(tasks.sleepThen, 1000, 'a');
        const b = ex.submit(tasks.sleepThen, 1, 'b');
        const order: unknown[] = [];
        for await (const f of asCompleted([a, b])) order.push(await f);
        assert.deepEqual(order, ['b', 'a']);
      }),
    );

    it(
      'what cannot cross fails at submit, naming the argument path',
      T,
      withExecutor(async (ex) => {
        assert.throws(
          () => ex.submit(tasks.identity, { ok: 1, bad: Symbol('s') } as never),
          (e: unknown) =>
            e instanceof ArgumentTypeError && /args\[0\]\.bad/.test((e as Error).message),
        );
        const local = 5;
        assert.throws(() => ex.submit((x: number) => x + local, 1), /'local'/);
        assert.throws(
          () => (ex.submit as (fn: unknown) => unknown).call(ex, 5),
          /fn must be a function/,
        );
      }),
    );

    it('shutdown is idempotent, waits, and refuses new tasks', T, async () => {
      const ex = make({ workers: 2 });
      const f = ex.submit(tasks.sleepThen, 50, 'done');
      const s1 = ex.shutdown();
      const s2 = ex.shutdown({ wait: true });
      await Promise.all([s1, s2]);
      assert.equal(await f, 'done');
      assert.throws(
        () => ex.submit(tasks.add, 1, 1),
        (e: unknown) => e instanceof RuntimeError && /after shutdown/.test((e as Error).message),
      );
      await ex.shutdown();
    });

    it('shutdown({ cancelFutures }) cancels what has not started', T, async () => {
      const ex = make({ workers: 1 });
      const running = ex.submit(tasks.sleepThen, 100, 'r');
      while (!running.running()) await new Promise((r) => setTimeout(r, 2));
      const queued = Array.from({ length: 5 }, () => ex.submit(tasks.sleepThen, 100, 'q'));
      await ex.shutdown({ cancelFutures: true });
      assert.equal(await running, 'r');
      assert.ok(queued.every((f) => f.cancelled()));
    });

    it('shutdown({ wait: false }) returns at once; tasks still finish', T, async () => {
      const ex = make({ workers: 1 });
      const f = ex.submit(tasks.sleepThen, 50, 'x');
      const t0 = performance.now();
      await ex.shutdown({ wait: false });
      assert.ok(performance.now() - t0 < 40);
      assert.equal(await f, 'x');
    });

    it('await using shuts it down', T, async () => {
      let f: Future<number>;
      {
        await using ex = make({ workers: 1 });
        f = ex.submit(tasks.add, 2, 3);
      }
      assert.equal(f.done(), true);
      assert.equal(await f, 5);
    });

    it(
      'bad options name the option',
      T,
      withExecutor(async (ex) => {
        assert.throws(
          () => ex.run(tasks.add, [1, 2], { timout: 5 } as never),
          /did you mean 'timeout'/,
        );
        assert.throws(
          () => ex.run(tasks.add, 5 as unknown as [number, number]),
          /args must be an array/,
        );
        await assert.rejects(
          async () => ex.shutdown({ wiat: true } as never),
          /did you mean 'wait'/,
        );
      }),
    );
  });
}
