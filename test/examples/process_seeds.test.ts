import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapturedOutput } from '../../examples/_seed.js';
import s30 from '../../examples/s30_process_attributes.js';
import s31 from '../../examples/s31_daemon.js';
import s32 from '../../examples/s32_join_placement.js';
import s33 from '../../examples/s33_terminate.js';
import s37 from '../../examples/s37_process_subclass.js';
import s38 from '../../examples/s38_no_fork.js';
import s40 from '../../examples/s40_pool_map.js';
import s41 from '../../examples/s41_pool_apply_async.js';
import s42 from '../../examples/s42_apply_vs_apply_async.js';
import { running } from '../helpers.js';

const T = { timeout: 60_000 } as const;

describe('process seed examples', () => {
  it(
    "S30: name and pid; the child's getpid() is p.pid, its getppid() the parent's pid",
    T,
    async () => {
      const out = new CapturedOutput();
      const summary = await s30.run(out, { quick: true });
      const pid = Number(/^子进程号1为: (\d+)$/.exec(out.lines[1]!)?.[1]);
      assert.ok(pid > 0 && pid !== process.pid, out.lines[1]);
      assert.deepEqual(out.lines, [
        'lin',
        `子进程号1为: ${pid}`,
        `主进程号1为: ${process.pid}`,
        'hi',
        'name: rui',
        'age: 18',
        'currentProcess().name: lin',
        `task这个子进程号为: ${pid}`,
        `主进程号为: ${process.pid}`,
        "(the child's getpid() is p.pid: true; its getppid() is the parent's getpid(): true; exitcode 0)",
      ]);
      assert.equal(
        summary,
        `'lin' ran task('rui', { age: 18 }) in process ${pid}, whose getppid() ${process.pid} is the parent's getpid() ${process.pid}`,
      );
    },
  );

  it(
    'S31: a daemon child dies with its parent; the parent waits for a non-daemon child',
    T,
    async () => {
      const out = new CapturedOutput();
      const summary = await s31.run(out, { quick: true });
      const lines = out.lines;
      assert.equal(lines[0], 'p1.daemon = true, a child that runs forever:');
      const child = /^ {2}My current pid (\d+), My parent pid (\d+)$/.exec(lines[1]!);
      assert.ok(child, lines[1]);
      const [, daemonPid, parentPid] = child;
      // The child prints every 100 ms: once before the parent's Done! (the parent waits for
      // that), maybe more on a busy machine, before and after it, until the parent exits.
      const exited = lines.indexOf(
        `the parent exited (code 0); its daemon child ${daemonPid} is gone`,
      );
      assert.ok(exited > 2, lines.join('\n'));
      const daemonRun = lines.slice(1, exited);
      assert.equal(daemonRun.filter((l) => l === `  My current pid ${parentPid}, Done!`).length, 1);
      assert.ok(
        daemonRun.every(
          (l) =>
            l === `  My current pid ${parentPid}, Done!` ||
            l === `  My current pid ${daemonPid}, My parent pid ${parentPid}`,
        ),
        daemonRun.join('\n'),
      );
      assert.equal(running(Number(daemonPid)), false, 'the daemon child is gone');

      const rest = lines.slice(exited + 1);
      assert.equal(rest[0], 'p1.daemon = false, a child that prints 3 times:');
      const done = /^ {2}My current pid (\d+), Done!$/.exec(rest[1]!);
      assert.ok(done, `the parent says it is done first: ${rest[1]}`);
      const childLines = rest.slice(2, 5);
      const childPid = /My current pid (\d+)/.exec(childLines[0]!)?.[1];
      assert.deepEqual(
        childLines,
        Array(3).fill(`  My current pid ${childPid}, My parent pid ${done[1]}`),
        'then its child prints three times',
      );
      assert.match(
        rest[5]!,
        /^the parent exited \(code 0\) [\d.]+ s after its Done!, once its child had printed 3 lines and ended$/,
      );
      assert.equal(rest.length, 6);
      assert.equal(
        summary,
        'a daemon child died with its parent; a non-daemon child printed its 3 lines before its parent exited',
      );
    },
  );

  it(
    'S33: join before start and join self refused; join(timeout), terminate, exitcode -15',
    T,
    async () => {
      const out = new CapturedOutput();
      const summary = await s33.run(out, { quick: true });
      const l = out.lines;
      assert.equal(
        l[0],
        'p.join() before p.start(): RuntimeError: can only join a started process',
      );
      assert.equal(l[1], 'isAlive() after start(): true');
      assert.deepEqual(l.slice(2, 6), [
        '(child) currentProcess().join(): RuntimeError: can only join a child process',
        'hi',
        'name: rui',
        'age: 18',
      ]);
      const timed =
        /^join\(\{ timeout: 300 \}\) returned false after ([\d.]+) s: exitcode null, isAlive\(\) true$/.exec(
          l[6]!,
        );
      assert.ok(timed, l[6]);
      assert.ok(Number(timed[1]) >= 0.29, `waited ${timed[1]} s`);
      assert.deepEqual(l.slice(7), [
        'isAlive() right after terminate(): true (the signal is on its way)',
        'false',
        'lin',
        'exitcode: -15 (SIGTERM is signal 15)',
        'join() again: true (a process can be joined many times)',
        '(parent) currentProcess().join(): RuntimeError: can only join a child process',
      ]);
      assert.match(summary, /terminate\(\) ended it with exitcode -15, isAlive\(\) false/);
    },
  );

  it('S37: a Process subclass runs run() in the child with its constructor fields', T, async () => {
    const out = new CapturedOutput();
    const summary = await s37.run(out, { quick: true });
    const starts = out.lines.filter((l) =>
      /^\(MyProcess-[\d:]+: run\(\) in process \d+\)$/.test(l),
    );
    assert.equal(starts.length, 2, 'each run() reports its default name (the class name) and pid');
    assert.ok(
      !starts.some((l) => l.endsWith(`process ${process.pid})`)),
      'run() ran in the children',
    );
    const doing = (what: string): string[] => out.lines.filter((l) => l.includes(`I do ${what}`));
    assert.deepEqual(
      doing('dancing'),
      [0, 1, 2].map((i) => `--- I do dancing, this is num ${i}`),
    );
    assert.deepEqual(
      doing('singing'),
      [0, 1, 2, 3].map((i) => `--- I do singing, this is num ${i}`),
    );
    assert.match(
      out.lines.at(-1)!,
      /^MyProcess-[\d:]+ \(pid \d+\) and MyProcess-[\d:]+ \(pid \d+\) exited with 0 and 0; their lines interleaved: true$/,
    );
    assert.match(summary, /lines interleaved: true$/);
  });

  it('S40: Pool(4).map(square, [1..5]) prints [1, 4, 9, 16, 25]', T, async () => {
    const out = new CapturedOutput();
    const summary = await s40.run(out, { quick: true });
    assert.deepEqual(out.lines, ['[1, 4, 9, 16, 25]']);
    assert.match(summary, /\[1, 4, 9, 16, 25\]/);
  });

  it('S41: five tasks on a pool of four processes, then close and join', T, async () => {
    const out = new CapturedOutput();
    const summary = await s41.run(out, { quick: true });
    assert.match(out.lines[0]!, /^Pool\(\) has (\d+) processes: the CPU count \(\1\)\.$/);
    assert.equal(out.lines[1], `Parent process ${process.pid}.`);
    assert.equal(out.lines[2], 'Waiting for all subprocesses done...');
    assert.equal(out.lines.at(-1), 'All subprocesses done.');
    const runs = out.lines.filter((l) => /^Run task \d \(\d+\)\.\.\.$/.test(l));
    const ends = out.lines.filter((l) => /^Task \d runs \d+\.\d\d seconds\.$/.test(l));
    assert.equal(runs.length, 5);
    assert.equal(ends.length, 5);
    assert.ok(!runs.some((l) => l.includes(`(${process.pid})`)), 'no task ran in the parent');
    const pids = new Set(runs.map((l) => /\((\d+)\)/.exec(l)![1]));
    assert.ok(pids.size >= 2 && pids.size <= 4, `at most four processes: ${[...pids]}`);
    assert.match(summary, /^5 tasks ran in [2-4] worker processes of Pool\(4\)/);
  });

  it(
    'S42: apply is serial, applyAsync parallel; callbacks, error callback, terminate',
    T,
    async () => {
      const out = new CapturedOutput();
      const summary = await s42.run(out, { quick: true });
      const done = out.lines.filter((l) => /^msg: {2}Process - \d done$/.test(l));
      assert.equal(done.length, 10, 'five results from apply and five from the callbacks');
      assert.ok(out.lines.includes('error_callback: refused Process - x'));
      assert.ok(out.lines.includes('successful(): false'));
      assert.ok(out.lines.includes('sub-process Done!'));
      assert.ok(out.lines.includes('terminate(): the running task was stopped unfinished'));
      const serial = Number(/^apply: (\d+\.\d+) s$/m.exec(out.text)![1]);
      const parallel = Number(/^applyAsync: (\d+\.\d+) s$/m.exec(out.text)![1]);
      assert.ok(serial >= 1.5, `5 × 300 ms one at a time: ${serial} s`);
      assert.ok(parallel < serial * 0.75, `applyAsync overlaps: ${parallel} s vs ${serial} s`);
      assert.match(summary, /terminate stopped a running task$/);
    },
  );

  it('S32: join() inside the loop is serial, after the loop parallel', T, async () => {
    const out = new CapturedOutput();
    const summary = await s32.run(out, { quick: true });
    assert.equal(out.lines.filter((l) => /^hi: \d \(child \d+\)$/.test(l)).length, 10);
    const serial = Number(/^join\(\) inside the loop: (\d+\.\d+) s$/m.exec(out.text)![1]);
    const parallel = Number(/^join\(\) after the loop: (\d+\.\d+) s$/m.exec(out.text)![1]);
    assert.ok(serial >= 4, `5 × 800 ms one after another: ${serial} s`);
    assert.ok(parallel < serial * 0.75, `${parallel} s vs ${serial} s`);
    assert.match(summary, /serial.*parallel/);
  });

  it(
    "S38: no fork(); a spawned child re-imports the module and reports its and its parent's pid",
    T,
    async () => {
      const out = new CapturedOutput();
      const summary = await s38.run(out, { quick: true });
      assert.equal(out.lines[0], `Process (${process.pid}) start...`);
      const created = /^I \((\d+)\) just created a child process \((\d+)\)\.$/.exec(out.lines[1]!);
      assert.ok(created, out.lines[1]);
      assert.equal(Number(created[1]), process.pid);
      const child = created[2]!;
      assert.equal(out.lines[2], `I am child process (${child}) and my parent is ${process.pid}.`);
      assert.equal(
        out.lines[3],
        '(the child imported this module itself: true; isChild() there: true, here: false)',
      );
      assert.match(summary, /no fork\(\)/);
    },
  );
});
