import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ArgumentTypeError, RuntimeError } from 'weft/errors';
import {
  activeCount,
  currentThread,
  Event,
  enumerate,
  getIdent,
  Lock,
  mainThread,
  setExcepthook,
  Thread,
  Timer,
} from 'weft/threading';
import * as tasks from '../fixtures/thread_tasks.js';
import { within } from '../helpers.js';

const T = { timeout: 30_000 };

describe('Thread', () => {
  it('runs an exported target with args in another thread of the same process', T, async () => {
    const out = new Int32Array(new SharedArrayBuffer(8));
    const t = new Thread({ target: tasks.describeSelf, args: [out] });
    assert.equal(t.ident, undefined);
    assert.match(t.name, /^Thread-\d+ \(describeSelf\)$/);
    t.start();
    assert.ok(typeof t.ident === 'number');
    assert.equal(await t.join(), true);
    assert.equal(out[0], t.ident);
    assert.notEqual(out[0], getIdent());
    assert.equal(out[1], process.pid, 'a thread shares the process id');
    assert.equal(t.isAlive(), false);
  });

  it('start twice, join before start, join self: Python errors', T, async () => {
    const t = new Thread({ target: tasks.nap, args: [1] });
    await assert.rejects(
      t.join(),
      (e: unknown) =>
        e instanceof RuntimeError && /before it is started/.test((e as Error).message),
    );
    t.start();
    assert.throws(
      () => t.start(),
      (e: unknown) =>
        e instanceof RuntimeError && /only be started once/.test((e as Error).message),
    );
    await t.join();
    assert.throws(() => mainThread().joinSync(), /cannot join current thread/);
  });

  it('bad options name the parameter', () => {
    assert.throws(() => new Thread({ target: 5 as never }), /target must be a function, got 5/);
    assert.throws(
      () => new Thread({ target: tasks.nap, args: 'x' as never }),
      /args must be an array/,
    );
    assert.throws(() => new Thread({ tagret: tasks.nap } as never), /did you mean 'target'/);
    assert.throws(() => new Thread({ isolate: 'x' as never }), /isolate must be 'own' or 'shared'/);
  });

  it('a closure capturing a variable fails at start, naming the variable', () => {
    const secret = 41;
    const t = new Thread({ target: () => secret + 1 });
    assert.throws(
      () => t.start(),
      (e: unknown) => e instanceof ArgumentTypeError && /'secret'/.test((e as Error).message),
    );
  });

  it('a self-contained inline function runs by source', T, async () => {
    const out = new Int32Array(new SharedArrayBuffer(4));
    const t = new Thread({
      target: (o: Int32Array, v: number) => void (o[0] = v * 2),
      args: [out, 21],
    });
    t.start();
    await t.join();
    assert.equal(out[0], 42);
  });

  it('arguments that cannot cross fail at start, naming the path', () => {
    const t = new Thread({ target: tasks.nap, args: [{ bad: Symbol('x') } as never] });
    assert.throws(() => t.start(), /args\[0\]\.bad/);
  });

  it('threads increment under a shared lock exactly (own isolates, blocking)', T, async () => {
    const lock = new Lock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const ts = [0, 1, 2, 3].map(
      () => new Thread({ target: tasks.increment, args: [lock, counter, 50_000] }),
    );
    for (const t of ts) t.start();
    for (const t of ts) assert.equal(await t.join(), true);
    assert.equal(counter[0], 200_000);
  });

  it('S01: 100 async threads sleeping 100 ms finish well under 0.5 s', T, async () => {
    // The best of three runs: other test files share the two CPUs with this one.
    const times: number[] = [];
    for (let attempt = 0; attempt < 3 && !(times.length && Math.min(...times) < 0.5); attempt++) {
      const t0 = performance.now();
      const ts = Array.from({ length: 100 }, () => new Thread({ target: tasks.nap, args: [100] }));
      for (const t of ts) t.start();
      for (const t of ts) await t.join();
      times.push((performance.now() - t0) / 1000);
    }
    assert.ok(Math.min(...times) < 0.5, `took ${times.join(', ')} s`);
  });

  it('an uncaught error goes to excepthook with the thread and the process lives', T, async () => {
    const seen: { name: string; err: unknown }[] = [];
    const previous = setExcepthook((args) =>
      seen.push({ name: args.thread.name, err: args.excValue }),
    );
    try {
      const t = new Thread({ target: tasks.fail, args: ['bad thing'], name: 'Failing' });
      t.start();
      await t.join();
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.name, 'Failing');
      assert.ok(seen[0]!.err instanceof TypeError);
      assert.match(String((seen[0]!.err as Error).stack), /fail/);
    } finally {
      setExcepthook(previous);
    }
  });

  it('join with a timeout; joinSync from the main thread; isAlive', T, async () => {
    const ev = new Event();
    const t = new Thread({ target: tasks.blockOn, args: [ev] });
    t.start();
    assert.equal(await t.join({ timeout: 20 }), false);
    assert.equal(t.isAlive(), true);
    ev.set();
    assert.equal(t.joinSync({ timeout: 5000 }), true);
    assert.equal(t.isAlive(), false);
  });

  it('a blocking call in a virtual thread is refused with advice', T, async () => {
    const seen: unknown[] = [];
    const previous = setExcepthook((a) => seen.push(a.excValue));
    try {
      const t = new Thread({
        target: tasks.blockInVirtual,
        args: [new Lock(), new Int32Array(1) as never],
      });
      t.start();
      await t.join();
      assert.match(
        String((seen[0] as Error)?.message),
        /would block a virtual thread.*isolate: 'own'/,
      );
    } finally {
      setExcepthook(previous);
    }
  });

  it('subclasses run their run() in the thread with their fields (S02)', T, async () => {
    const out = new Int32Array(new SharedArrayBuffer(8));
    const c = new tasks.Counter(1000, out);
    c.start();
    await c.join();
    assert.deepEqual([...out], [1000, 1]);
    const out2 = new Int32Array(new SharedArrayBuffer(4));
    const a = new tasks.AsyncCounter(out2);
    a.start();
    await a.join();
    assert.equal(out2[0], 7);
  });

  it('currentThread, mainThread, activeCount, enumerate, names (S03, S14, S16)', T, async () => {
    assert.equal(currentThread(), mainThread());
    assert.equal(currentThread().name, 'MainThread');
    const before = activeCount();
    const ev = new Event();
    const t = new Thread({ target: tasks.blockOn, args: [ev], name: 'LoopThread' });
    t.start();
    assert.equal(activeCount(), before + 1);
    assert.ok(enumerate().includes(t));
    assert.ok(enumerate().includes(mainThread()));
    t.name = 'Renamed';
    assert.equal(t.getName(), 'Renamed');
    ev.set();
    await t.join();
    assert.equal(activeCount(), before);
    assert.throws(() => {
      t.daemon = true;
    }, /cannot set daemon status of active thread/);
  });

  it('local(): each thread sees its own attributes (S13)', T, async () => {
    const results = new Int32Array(new SharedArrayBuffer(8));
    const a = new Thread({ target: tasks.useLocal, args: ['Alice', results, 0] });
    const b = new Thread({ target: tasks.useLocal, args: ['Bob', results, 1] });
    a.start();
    b.start();
    await Promise.all([a.join(), b.join()]);
    assert.deepEqual([...results], [1, 1]);
    tasks.ctx.value = 'main';
    assert.equal(tasks.ctx.value, 'main');
  });

  it('Timer fires after its interval; cancel stops it', T, async () => {
    const fired = new Event();
    const t = new Timer(20, (ev: Event) => ev.set(), [fired]);
    t.start();
    assert.ok(await within(5000, fired.wait()));
    await t.join();
    const never = new Event();
    const c = new Timer(10_000, (ev: Event) => ev.set(), [never]);
    c.start();
    c.cancel();
    await within(5000, c.join());
    assert.equal(never.isSet(), false);
  });

  it('daemon threads do not keep the process alive, in own or shared isolates', T, () => {
    const script = fileURLToPath(new URL('../fixtures/daemon_threads.js', import.meta.url));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    const ms = performance.now() - t0;
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'main done');
    assert.equal(r.stderr, '');
    assert.ok(ms < 5000, `the process lived ${ms} ms after its daemon threads started`);
  });

  it('a thread defined in a .ts file runs under tsx', T, () => {
    const script = fileURLToPath(new URL('../../../test/fixtures/tsx_thread.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /square of 7 is 49 in Thread-\d+ \(square\)/);
  });
});
