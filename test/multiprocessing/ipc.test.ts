import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ArgumentTypeError,
  BrokenBarrierError,
  BrokenPipeError,
  Empty,
  EOFError,
  Full,
  OSError,
  RuntimeError,
  ShutDown,
  ValueError,
} from 'weft/errors';
import { ThreadPoolExecutor } from 'weft/futures';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  JoinableQueue,
  Lock,
  Manager,
  Pipe,
  Process,
  Array as ProcessArray,
  Queue,
  RawValue,
  RLock,
  Semaphore,
  SimpleQueue,
  Value,
} from 'weft/multiprocessing';
import { Thread } from 'weft/threading';
import { consumer, producer } from '../../examples/s21_producer_consumer_processes.js';
import * as tasks from '../fixtures/mp_tasks.js';

const T = { timeout: 60_000 };
const tmp = await mkdtemp(join(tmpdir(), 'weft-ipc-'));

async function runAll(ps: Process[]): Promise<void> {
  for (const p of ps) p.start();
  for (const p of ps) await p.join();
  for (const p of ps) assert.equal(p.exitcode, 0, `${p.name} exited with ${p.exitcode}`);
}

describe('process queues', () => {
  it('put/get in one process keeps rich values (Map, Set, Date, bigint, errors)', T, async () => {
    const q = new Queue<unknown>();
    const item = {
      m: new Map([[1, 'a']]),
      s: new Set([2n]),
      d: new Date(5),
      e: new ValueError('bad'),
    };
    await q.put(item);
    const got = (await q.get()) as typeof item;
    assert.deepEqual(got.m, item.m);
    assert.deepEqual(got.s, item.s);
    assert.equal(got.d.getTime(), 5);
    assert.ok(got.e instanceof ValueError);
    assert.equal(got.e.message, 'bad');
  });

  it('many producers and consumers across processes, null sentinels (S21)', T, async () => {
    const q = new Queue<string | null>({ maxsize: 10 });
    const done = new SimpleQueue<{ name: string; items: string[] }>();
    const consumers = [0, 1].map(
      (i) => new Process({ target: consumer, args: [q, done, `C${i}`] }),
    );
    const producers = [0, 1, 2].map(
      (i) => new Process({ target: producer, args: [q, `P${i}`, 30] }),
    );
    for (const p of [...consumers, ...producers]) p.start();
    for (const p of producers) await p.join();
    for (const _ of consumers) await q.put(null);
    for (const p of consumers) await p.join();
    const reports = [await done.get(), await done.get()];
    const all = reports.flatMap((r) => r.items);
    assert.equal(all.length, 90);
    assert.equal(new Set(all).size, 90);
    for (const p of [...consumers, ...producers]) assert.equal(p.exitcode, 0);
  });

  it('timeouts raise Empty and Full; nowait forms; bad input names the parameter', T, async () => {
    const q = new Queue<number>({ maxsize: 1 });
    await assert.rejects(q.get({ timeout: 30 }), Empty);
    assert.throws(() => q.getNowait(), Empty);
    q.putNowait(1);
    assert.throws(() => q.putNowait(2), Full);
    await assert.rejects(q.put(2, { timeout: 30 }), Full);
    assert.equal(q.qsize(), 1);
    assert.equal(q.full(), true);
    assert.equal(q.getSync(), 1);
    assert.equal(q.empty(), true);
    assert.throws(() => new Queue({ maxsize: 'x' as never }), /maxsize/);
    assert.throws(() => new Queue({ maxsiz: 1 } as never), /did you mean 'maxsize'/);
    await assert.rejects(q.get({ timeout: -1 }), /timeout/);
    await assert.rejects(q.put((() => 1) as never), ArgumentTypeError);
  });

  it('an aborted get leaves the queue and rejects with the reason', T, async () => {
    const q = new Queue<number>();
    const ac = new AbortController();
    const pending = q.get({ signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 30);
    await assert.rejects(pending, /stop/);
    await q.put(7);
    assert.equal(await q.get(), 7);
  });

  it('shutdown: put raises ShutDown, for await ends; JoinableQueue join', T, async () => {
    const q = new Queue<number>();
    await q.put(1);
    q.shutdown();
    await assert.rejects(q.put(2), ShutDown);
    const seen: number[] = [];
    for await (const x of q) seen.push(x);
    assert.deepEqual(seen, [1]);
    const j = new JoinableQueue<number>();
    await j.put(1);
    assert.equal(await j.join({ timeout: 20 }), false);
    await j.get();
    j.taskDone();
    assert.equal(await j.join({ timeout: 1000 }), true);
    assert.throws(() => j.taskDone(), ValueError);
  });

  it('a child uses getSync/putSync (the sync bridge)', T, async () => {
    const q = new Queue<unknown>();
    const out = new SimpleQueue<unknown>();
    const p = new Process({ target: tasks.syncConsumer, args: [q, out] });
    p.start();
    await q.put({ hello: [1, 2] });
    assert.deepEqual(await out.get(), { hello: [1, 2] });
    await p.join();
    assert.equal(p.exitcode, 0);
  });

  it('a process queue crosses to a Thread and to a ThreadPoolExecutor task live', T, async () => {
    const q = new Queue<unknown>();
    const t = new Thread({ target: tasks.threadPut, args: [q, 'from a thread'] });
    t.start();
    await t.join();
    assert.equal(await q.get({ timeout: 10_000 }), 'from a thread');
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    await pool.submit(tasks.threadPut, q, 'from a pool');
    assert.equal(await q.get({ timeout: 10_000 }), 'from a pool');
  });

  it('batched gets take items in call order, only as many as asked', T, async () => {
    const q = new Queue<number>();
    const first = [q.get(), q.get(), q.get()]; // one getMany, answered as items come
    await q.put(0);
    const later = [q.get(), q.get()]; // held while a getMany is in flight
    for (const i of [1, 2, 3, 4, 5, 6]) await q.put(i);
    assert.deepEqual(await Promise.all([...first, ...later]), [0, 1, 2, 3, 4]);
    assert.equal(q.qsize(), 2); // no read-ahead: the items nobody asked for stay queued
    assert.deepEqual(await Promise.all([q.get(), q.get()]), [5, 6]);
  });

  it('batched puts of a child arrive in order; batched gets see them in order', T, async () => {
    const q = new Queue<number>();
    const p = new Process({ target: tasks.putRange, args: [q, 3000, 200] });
    p.start();
    const got: number[] = [];
    while (got.length < 3000)
      got.push(...(await Promise.all(Array.from({ length: 150 }, () => q.get()))));
    assert.deepEqual(
      got,
      Array.from({ length: 3000 }, (_, i) => i),
    );
    await p.join();
    assert.equal(p.exitcode, 0);
  });

  it(
    'puts and shutdown of one turn keep their order; waiting gets fail with ShutDown',
    T,
    async () => {
      const q = new Queue<number>();
      const gets = [q.get(), q.get(), q.get()];
      const before = q.put(1);
      q.shutdown();
      const after = q.put(2);
      await before;
      await assert.rejects(after, ShutDown);
      assert.equal(await gets[0], 1);
      await assert.rejects(gets[1]!, ShutDown);
      await assert.rejects(gets[2]!, ShutDown);
      const empty = new Queue<number>();
      const waiting = empty.get(); // a getMany in flight, waiting
      await new Promise((r) => setTimeout(r, 20));
      const held = empty.get(); // held behind it, fails with it
      empty.shutdown();
      await assert.rejects(waiting, ShutDown);
      await assert.rejects(held, ShutDown);
      const ac = new AbortController();
      ac.abort(new Error('no'));
      await assert.rejects(new Queue<number>().put(1, { signal: ac.signal }), /no/);
    },
  );

  it('close() refuses later puts', T, async () => {
    const q = new SimpleQueue<number>();
    await q.put(1);
    q.close();
    await q.joinThread();
    await assert.rejects(q.put(2), ValueError);
  });
});

describe('Pipe', () => {
  it('a child sends [42, null, "hello"] (S36)', T, async () => {
    const [parentConn, childConn] = Pipe();
    const p = new Process({ target: tasks.pipeSend, args: [childConn, [42, null, 'hello']] });
    p.start();
    childConn.close();
    assert.deepEqual(await parentConn.recv(), [42, null, 'hello']);
    await p.join();
    await assert.rejects(parentConn.recv(), EOFError);
  });

  it('a child that exits while the parent waits in recv gives EOFError', T, async () => {
    const [parentConn, childConn] = Pipe();
    const p = new Process({ target: tasks.exitQuietly, args: [childConn] });
    p.start();
    childConn.close();
    await assert.rejects(parentConn.recv(), EOFError);
    await p.join();
  });

  it('duplex echo, poll with timeout, bytes, one-way pipes, closed handles', T, async () => {
    const [a, b] = Pipe();
    const p = new Process({ target: tasks.pipeEcho, args: [b] });
    p.start();
    b.close();
    assert.equal(await a.poll(0), false);
    await a.send({ x: 1 });
    assert.equal(await a.poll(5000), true);
    assert.deepEqual(await a.recv(), { x: 1 });
    await a.send(null);
    await p.join();
    const [r, w] = Pipe({ duplex: false });
    assert.throws(() => w.recvSync(), OSError);
    await w.sendBytes(Buffer.from('hello world'), 6);
    assert.equal((await r.recvBytes()).toString(), 'world');
    w.sendSync('sync');
    assert.equal(r.recvSync(), 'sync');
    r.close();
    await assert.rejects(w.send(1), BrokenPipeError);
    await assert.rejects(r.recv(), OSError);
    assert.throws(() => Pipe({ duplex: 1 } as never), /duplex/);
  });
});

describe('process locks', () => {
  it('Lock: acquire/release, timeout, abort, sync form, errors', T, async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    assert.ok(held);
    assert.equal(held.ownerDied, false);
    assert.equal(await lock.acquire({ timeout: 30 }), false);
    assert.equal(lock.acquireSync({ timeout: 0 }), false);
    const ac = new AbortController();
    const waiting = lock.acquire({ signal: ac.signal });
    ac.abort(new Error('aborted'));
    await assert.rejects(waiting, /aborted/);
    lock.release();
    assert.equal(lock.locked(), false);
    {
      using _ = lock.acquireSync();
      assert.equal(lock.locked(), true);
    }
    assert.throws(() => lock.release(), RuntimeError);
    await assert.rejects(lock.acquire({ timeout: 'x' as never }), /timeout/);
  });

  it('RLock is reentrant and only its owner releases it', T, async () => {
    const r = new RLock();
    await r.acquire();
    await r.acquire();
    r.release();
    r.release();
    assert.throws(() => r.release(), RuntimeError);
  });

  it('a child killed holding a Lock: the next acquirer gets it with ownerDied', T, async () => {
    const lock = new Lock();
    const held = new Event();
    const p = new Process({ target: tasks.holdLockForever, args: [lock, held] });
    p.start();
    assert.equal(await held.wait({ timeout: 20_000 }), true);
    assert.equal(await lock.acquire({ timeout: 50 }), false);
    p.kill();
    await p.join();
    const r = await lock.acquire({ timeout: 10_000 });
    assert.ok(r);
    assert.equal(r.ownerDied, true);
    r.release();
  });

  it('a killed child gives back its semaphore permit (undo)', T, async () => {
    const sem = new Semaphore(1);
    const held = new Event();
    const p = new Process({ target: tasks.holdPermitForever, args: [sem, held] });
    p.start();
    assert.equal(await held.wait({ timeout: 20_000 }), true);
    assert.equal(sem.getValue(), 0);
    p.kill();
    await p.join();
    assert.ok(await sem.acquire({ timeout: 10_000 }));
  });

  it('Semaphore and BoundedSemaphore', T, async () => {
    const s = new Semaphore(2);
    await s.acquire();
    await s.acquire();
    assert.equal(await s.acquire({ timeout: 20 }), false);
    s.release(2);
    assert.equal(s.getValue(), 2);
    const b = new BoundedSemaphore(1);
    assert.throws(() => b.release(), ValueError);
    assert.throws(() => new Semaphore(-1), ValueError);
  });

  it('10 processes buy tickets under a process Lock: never oversold (S35)', T, async () => {
    const file = join(tmp, 'db.txt');
    writeFileSync(file, JSON.stringify({ count: 3 }));
    const lock = new Lock();
    await runAll(
      Array.from(
        { length: 10 },
        (_, i) => new Process({ target: tasks.buyTicket, args: [lock, file, `P${i}`] }),
      ),
    );
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).count, 0);
  });
});

describe('Event, Condition, Barrier', () => {
  it('Event: a child sets it; wait with timeout', T, async () => {
    const e = new Event();
    assert.equal(await e.wait({ timeout: 20 }), false);
    const p = new Process({ target: tasks.setEventLater, args: [e, 50] });
    p.start();
    assert.equal(await e.wait({ timeout: 20_000 }), true);
    assert.equal(e.isSet(), true);
    e.clear();
    assert.equal(e.waitSync({ timeout: 10 }), false);
    await p.join();
  });

  it('Condition: a child notifies; waiting without the lock fails', T, async () => {
    const cond = new Condition();
    const flag = new Value('i', 0);
    await assert.rejects(cond.wait(), RuntimeError);
    const p = new Process({ target: tasks.notifyLater, args: [cond, flag] });
    {
      using _ = await cond.acquire();
      p.start();
      const r = await cond.waitFor(async () => (await flag.get()) === 1, { timeout: 20_000 });
      assert.equal(r, true);
    }
    await p.join();
    assert.equal(p.exitcode, 0);
  });

  it('Barrier: three processes get indexes 0..2; a timeout breaks it', T, async () => {
    const b = new Barrier(3);
    const out = new SimpleQueue<number>();
    await runAll([0, 1, 2].map(() => new Process({ target: tasks.barrierWait, args: [b, out] })));
    const got = [await out.get(), await out.get(), await out.get()].sort();
    assert.deepEqual(got, [0, 1, 2]);
    const lone = new Barrier(2);
    await assert.rejects(lone.wait({ timeout: 30 }), BrokenBarrierError);
    assert.equal(lone.broken, true);
    lone.reset();
    assert.equal(lone.broken, false);
    assert.throws(() => new Barrier(0), ValueError);
  });
});

describe('Value and Array', () => {
  it('2 processes increment a Value under its lock: exact', T, async () => {
    const v = new Value('i', 0);
    await runAll([0, 1].map(() => new Process({ target: tasks.incrementSync, args: [v, 200] })));
    assert.equal(v.value, 400);
  });

  it('typed conversion, RawValue, Array indexes and errors', T, async () => {
    const v = new Value('i', 0);
    v.value = 2 ** 31;
    assert.equal(v.value, -(2 ** 31));
    assert.throws(() => {
      v.value = 'x' as never;
    }, /value/);
    const raw = new RawValue('?', false);
    raw.value = true;
    assert.equal(raw.value, true);
    assert.throws(() => raw.getLock(), TypeError);
    const arr = new ProcessArray('d', [1, 2, 3]);
    arr[0] = 10;
    assert.equal(arr[0], 10);
    assert.deepEqual([...arr], [10, 2, 3]);
    arr.setAll([7, 8], 1);
    assert.deepEqual(await arr.toArrayAsync(), [10, 7, 8]);
    assert.throws(() => arr.get(3), /out of range/);
    assert.throws(() => new Value('zz' as never), /type/);
  });
});

describe('Manager()', () => {
  it('dict, list and Namespace proxies used by several children', T, async () => {
    await using m = Manager();
    const d = m.dict<string, number>();
    const l = m.list<number>();
    const ns = m.Namespace();
    ns.start = 'yes';
    await runAll(
      [1, 2, 3].map((i) => new Process({ target: tasks.useManager, args: [d, l, ns, i] })),
    );
    assert.deepEqual((await d.items()).sort(), [
      ['k1', 1],
      ['k2', 4],
      ['k3', 9],
    ]);
    assert.deepEqual((await l.toArray()).sort(), [1, 2, 3]);
    assert.equal(ns.start, 'yes');
    assert.equal(typeof ns.child1, 'number');
    assert.equal(await d.get('nope', -1), -1);
    await assert.rejects(d.set({} as never, 1), /key/);
  });

  it('shutdown drops the objects: their proxies fail, waiters wake', T, async () => {
    const m = Manager();
    const q = m.Queue<number>();
    const waiting = q.get();
    await new Promise((r) => setTimeout(r, 30));
    await m.shutdown();
    await assert.rejects(waiting, ShutDown);
    assert.throws(() => m.Lock(), RuntimeError);
  });
});

describe('process lifetime', () => {
  // Inside the package, so that `weft` resolves to it.
  const here = fileURLToPath(new URL('.', import.meta.url));
  const script = (body: string): string => {
    const file = join(here, `_script-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, body);
    return file;
  };
  const node = (file: string) => {
    try {
      // A program of its own: not a member of this test's process tree.
      const { WEFT_BROKER: _, WEFT_AUTHKEY: __, ...env } = process.env;
      return spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000, env });
    } finally {
      rmSync(file, { force: true });
    }
  };

  it('an idle program with process objects exits; a pending get keeps it alive', T, () => {
    const idle = script(`
      import { Lock, Queue } from 'weft/multiprocessing';
      const l = new Lock();
      await l.acquire();
      l.release();
      const q = new Queue();
      await q.put(1);
      console.log('done', await q.get());
    `);
    const t0 = Date.now();
    const r = node(idle);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /done 1/);
    assert.ok(Date.now() - t0 < 20_000);
    const pending = script(`
      import { Queue } from 'weft/multiprocessing';
      const q = new Queue();
      setTimeout(() => q.put('late'), 300).unref();
      console.log('got', await q.get());
    `);
    const r2 = node(pending);
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stdout, /got late/);
  });

  it('leaves no broker socket behind', T, () => {
    const before = readdirSync(tmpdir()).filter(
      (f) => f.startsWith(`weft-`) && f.endsWith('.sock'),
    );
    const file = script(`
      import { Lock } from 'weft/multiprocessing';
      await new Lock().acquire();
      console.log(process.env.WEFT_BROKER);
    `);
    const r = node(file);
    assert.equal(r.status, 0, r.stderr);
    const path = r.stdout.trim();
    assert.ok(path.endsWith('.sock'));
    const after = readdirSync(tmpdir()).filter((f) => f.startsWith(`weft-`) && f.endsWith('.sock'));
    assert.ok(!after.includes(path.split('/').at(-1)!));
    assert.ok(after.length <= before.length + 1);
  });
});
