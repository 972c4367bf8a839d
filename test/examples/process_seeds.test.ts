import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapturedOutput } from '../../examples/_seed.js';
import s32 from '../../examples/s32_join_placement.js';
import s38 from '../../examples/s38_no_fork.js';
import s40 from '../../examples/s40_pool_map.js';
import s41 from '../../examples/s41_pool_apply_async.js';
import s42 from '../../examples/s42_apply_vs_apply_async.js';

const T = { timeout: 60_000 } as const;

describe('process seed examples', () => {
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
