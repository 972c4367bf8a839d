import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapturedOutput, type Seed } from '../../examples/_seed.js';
import s01, { QUIET_FROM } from '../../examples/s01_hundred_threads.js';
import s02 from '../../examples/s02_thread_subclass.js';
import s03 from '../../examples/s03_join_active_count.js';
import s04 from '../../examples/s04_shared_value.js';
import s05 from '../../examples/s05_lock_counter.js';
import s06 from '../../examples/s06_lost_update.js';
import s07 from '../../examples/s07_cpu_bound.js';
import s08 from '../../examples/s08_io_bound.js';
import s09 from '../../examples/s09_deadlock.js';
import s10 from '../../examples/s10_semaphore.js';
import s11 from '../../examples/s11_event.js';
import s13 from '../../examples/s13_thread_local.js';
import s14 from '../../examples/s14_named_thread.js';
import s15 from '../../examples/s15_balance_lock.js';
import s16 from '../../examples/s16_thread_names.js';
import s80 from '../../examples/s80_lock_timeouts.js';

const T = { timeout: 30_000 } as const;

/** Runs a seed's quick variant; returns its lines, its summary and how long it took. */
async function runQuick(seed: Seed): Promise<{ lines: string[]; summary: string; ms: number }> {
  const out = new CapturedOutput();
  const t0 = performance.now();
  const summary = await seed.run(out, { quick: true });
  return { lines: out.lines, summary, ms: performance.now() - t0 };
}

/** Asserts `earlier` is printed, and before `later`. */
function before(lines: string[], earlier: string, later: string): void {
  const a = lines.indexOf(earlier);
  const b = lines.indexOf(later);
  assert.ok(a >= 0, `missing ${JSON.stringify(earlier)}`);
  assert.ok(b >= 0, `missing ${JSON.stringify(later)}`);
  assert.ok(a < b, `${JSON.stringify(earlier)} should come before ${JSON.stringify(later)}`);
}

describe('threading seed examples', () => {
  it(
    'S01: 100 threads sleeping 100 ms are joined in under 0.5 s; 8 processes take longer',
    T,
    async () => {
      const { lines, summary } = await runQuick(s01);
      assert.equal(s01.id, 'S01');
      assert.match(
        lines[0]!,
        /^\(weft booted its first thread isolate in [\d.]+ s: once per process\)$/,
      );
      for (let i = 0; i < QUIET_FROM; i++) before(lines, `用户${i} is running`, `用户${i} is over`);
      const printed = lines.filter((l) => /^用户\d+ is (running|over)$/.test(l));
      assert.equal(printed.length, 2 * QUIET_FROM);
      const i = lines.indexOf(`(用户${QUIET_FROM} … 用户99 ran too, without printing)`);
      assert.ok(i > 0);
      const seconds = Number(lines[i + 1]);
      assert.ok(seconds >= 0.099 && seconds < 0.5, `100 threads took ${seconds} s`);
      const processes = Number(
        /^8 processes \(the quick variant; 100 with --full\): ([\d.]+)$/.exec(lines[i + 2]!)?.[1],
      );
      assert.ok(processes > seconds && processes >= 0.1, `8 processes took ${processes} s`);
      before(lines, 'jason is running', 'jason is over');
      assert.equal(lines.at(-1), 'jason is over');
      assert.ok(lines.includes('主线程'));
      assert.match(summary, /^100 threads × 0.1 s sleep joined in 0\.\d+ s/);
      assert.match(
        summary,
        /; 8 processes \(8 pids\) took [\d.]+ s, each started before it slept$/,
      );
    },
  );

  it('S02: the subclass run() runs in a new thread', T, async () => {
    const { lines, summary } = await runQuick(s02);
    assert.deepEqual([...lines].sort(), ['run is over', 'run is running', '主线程'].sort());
    assert.equal(lines.at(-1), 'run is over');
    const isolate = Number(/on isolate (\d+)/.exec(summary)?.[1]);
    assert.ok(isolate > 0, summary);
  });

  it('S03: pid in the thread is the main pid; names; activeCount back to 1', T, async () => {
    const { lines } = await runQuick(s03);
    const pid = String(process.pid);
    assert.equal(
      lines.filter((l) => l === pid).length,
      2,
      'the thread and main print the same pid',
    );
    const name = lines.find((l) => l.startsWith('Thread-'));
    assert.match(name!, /^Thread-\d+ \(test\)$/);
    before(lines, name!, 'jason is running');
    before(lines, 'jason is running', 'jason is over');
    assert.deepEqual(lines.slice(-4), ['jason is over', 'MainThread', '1', '主线程']);
  });

  it('S04: a Value written in a thread is seen by main; a module variable is not', T, async () => {
    const { lines } = await runQuick(s04);
    assert.equal(lines[0], '999');
    assert.match(lines[1]!, /still 100 here/);
  });

  it(
    'S05: under the lock the counter ends at exactly 0; without it the race shows',
    T,
    async () => {
      const { lines } = await runQuick(s05);
      assert.equal(lines[0], '0');
      assert.equal(lines[1], '-- without the lock');
      const racy = Number(lines[2]);
      assert.ok(racy > 0 && racy < 100, `without the lock: ${racy}`);
    },
  );

  it('S06: 99 without the lock, 97 with it', T, async () => {
    const { lines } = await runQuick(s06);
    assert.deepEqual(lines, ['这个 99', '这个 97']);
  });

  it('S07: CPU-bound threads beat serial by more than 1.3× on 2 cores, and processes', {
    timeout: 240_000,
  }, async () => {
    // Timing on a shared machine: the best of a few runs, so a busy moment does not fail it.
    let best = 0;
    for (let attempt = 0; attempt < 6 && best <= 1.3; attempt++) {
      const { lines, summary } = await runQuick(s07);
      assert.match(lines[0]!, /^\(booted 4 thread isolates in [\d.]+ s, once\)$/);
      assert.match(lines[1]!, /^\(best of 3 rounds\)\s+tasks\s+seconds\s+speedup$/);
      assert.match(lines[2]!, /^serial, main thread\s+4\s+[\d.]+\s+1\.00$/);
      const threads = Number(/^4 threads\s+4\s+([\d.]+)\s+[\d.]+$/.exec(lines[3]!)?.[1]);
      const processes = Number(/^4 processes\s+4\s+([\d.]+)\s+[\d.]+$/.exec(lines[4]!)?.[1]);
      assert.ok(threads > 0 && processes > 0, lines.join('\n'));
      // Each process boots Node.js before it computes; the threads' isolates are warm.
      assert.ok(threads <= processes, `threads ${threads} s, processes ${processes} s`);
      assert.match(
        lines[5]!,
        /^\(one process with an empty target: [\d.]+ s from start\(\) to its exit\)$/,
      );
      assert.match(summary, /threads at least as fast as processes$/);
      best = Math.max(best, Number(/ran ([\d.]+)× faster/.exec(summary)?.[1]));
    }
    assert.ok(best > 1.3, `best speedup ${best}`);
  });

  it(
    'S08: 100 threads each sleeping 200 ms take about 200 ms, not 20 s; processes longer',
    T,
    async () => {
      const { lines, summary } = await runQuick(s08);
      const seconds = Number(/^100 threads: 总耗时:([\d.]+)$/.exec(lines[0]!)?.[1]);
      assert.ok(seconds >= 0.199 && seconds < 1.5, `took ${seconds} s`);
      const processes = Number(/^8 processes: 总耗时:([\d.]+)$/.exec(lines[2]!)?.[1]);
      assert.ok(processes >= 0.199 && processes > seconds, `8 processes took ${processes} s`);
      assert.equal(lines[3], '(threads win: each process boots Node.js before it waits)');
      assert.match(summary, /threads win$/);
    },
  );

  it('S09: the deadlock is reported as DeadlockError and the program ends', T, async () => {
    const { lines, summary } = await runQuick(s09);
    const reports = lines.filter((l) => l.startsWith('Exception in thread '));
    assert.ok(reports.length >= 1, 'at least one deadlock is reported');
    for (const r of reports) {
      assert.match(
        r,
        /^Exception in thread (Thread-\d+): DeadlockError: deadlock: \1 waits for lock #\d+ held by (Thread-\d+); \2 waits for lock #\d+ held by \1$/,
      );
    }
    // Each of the ten threads either finished (released B twice: in func1 and func2) or
    // died of a DeadlockError, reported once.
    const names = new Set(lines.map((l) => /^(Thread-\d+) /.exec(l)?.[1]).filter(Boolean));
    assert.equal(names.size, 10);
    const dead = reports.map((r) => /^Exception in thread (\S+):/.exec(r)![1]!);
    assert.equal(new Set(dead).size, dead.length, 'a thread dies once');
    for (const name of names) {
      const releasedB = lines.filter((l) => l === `${name} 释放了B锁`).length;
      assert.ok(
        dead.includes(name!) !== (releasedB === 2),
        `${name} released B ${releasedB} times and ${dead.includes(name!) ? 'died' : 'did not die'}`,
      );
    }
    assert.match(summary, /detected \d+ times?/);
  });

  it('S10: ten threads, never more than five inside the Semaphore(5)', T, async () => {
    const { lines } = await runQuick(s10);
    const names = lines.filter((l) => /^Thread-\d+$/.test(l));
    assert.equal(new Set(names).size, 10);
    const most = Number(/^\(at most (\d+) threads were inside at once\)$/.exec(lines.at(-1)!)?.[1]);
    assert.ok(most >= 1 && most <= 5, `at most ${most} inside`);
  });

  it('S11: every car waits, and goes only after the light turns green', T, async () => {
    const { lines } = await runQuick(s11);
    assert.equal(lines.length, 12);
    before(lines, '红灯亮着的 所有人都不能动', '绿灯亮了 油门踩到底 给我冲!!!');
    for (let i = 0; i < 5; i++) {
      before(lines, `熊猫PRO${i}正在等红灯`, `熊猫PRO${i}加油门 飙车了`);
      before(lines, '绿灯亮了 油门踩到底 给我冲!!!', `熊猫PRO${i}加油门 飙车了`);
    }
  });

  it('S13: each thread sees its own student in one local()', T, async () => {
    const { lines, summary } = await runQuick(s13);
    assert.deepEqual([...lines].sort(), ['Hello, Alice (in Thread-A)', 'Hello, Bob (in Thread-B)']);
    assert.match(summary, /the main thread has none \(undefined\)$/);
  });

  it('S14: LoopThread counts to five between the main thread lines', T, async () => {
    const { lines } = await runQuick(s14);
    assert.deepEqual(lines, [
      'thread MainThread is running...',
      'thread LoopThread is running...',
      'thread LoopThread >>> 1',
      'thread LoopThread >>> 2',
      'thread LoopThread >>> 3',
      'thread LoopThread >>> 4',
      'thread LoopThread >>> 5',
      'thread LoopThread ended.',
      'thread MainThread ended.',
    ]);
  });

  it('S15: 2 threads × 100 000 locked changes leave the balance at exactly 0', T, async () => {
    const { lines, summary } = await runQuick(s15);
    assert.deepEqual(lines, ['0']);
    assert.match(summary, /^balance 0 after 2 × 100,000 locked changes/);
  });

  it('S16: isAlive, setName/getName/name, enumerate', T, async () => {
    const { lines } = await runQuick(s16);
    const main = lines.filter((l) => l !== 'hihihi');
    assert.ok(lines.includes('hihihi'));
    assert.deepEqual(main, [
      'true',
      'lin',
      'lin',
      'lin',
      'enumerate(): MainThread, lin; activeCount(): 2',
      'after join: isAlive() false; enumerate(): MainThread',
    ]);
  });

  it(
    'S80: timeouts instead of deadlock; every waiting call takes a timeout and a signal',
    T,
    async () => {
      const { lines, summary } = await runQuick(s80);
      const [t1, t2] = ['A', 'B'].map(
        (lock) =>
          /^(Thread-\d+ \(careful\)) got /.exec(
            lines.find((l) => l.endsWith(`got ${lock} (try 1)`))!,
          )![1]!,
      );
      assert.notEqual(t1, t2);
      assert.ok(
        lines.some((l) =>
          /gave up waiting for [AB] after 60 ms: releases [AB], backs off$/.test(l),
        ),
        'the first tries collide and time out',
      );
      assert.ok(lines.includes(`${t1} got B: done`));
      assert.ok(lines.includes(`${t2} got A: done`));
      const table = lines.slice(lines.findIndex((l) => l.startsWith('-- every waiting call')) + 1);
      for (const call of [
        'lock.acquire()',
        'rlock.acquire()',
        'semaphore.acquire()',
        'event.wait()',
        'condition.wait()',
        'thread.join()',
      ]) {
        assert.ok(
          table.some((l) =>
            new RegExp(
              `^${call.replace(/[.()]/g, '\\$&')}\\s+false\\s+rejected: TimeoutError$`,
            ).test(l),
          ),
          call,
        );
      }
      assert.match(summary, /6\/6 waiting calls/);
    },
  );
});
