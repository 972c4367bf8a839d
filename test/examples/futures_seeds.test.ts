import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapturedOutput } from '../../examples/_seed.js';
import s12 from '../../examples/s12_pool_executor.js';
import s43 from '../../examples/s43_done_callbacks.js';
import s44 from '../../examples/s44_wait_return_when.js';
import s45 from '../../examples/s45_result_reraises.js';
import s46 from '../../examples/s46_map_order.js';

const T = { timeout: 30_000 } as const;

describe('futures seed examples', () => {
  it(
    'S12: 20 results in submission order and 20 callbacks, from threads then processes',
    T,
    async () => {
      const out = new CapturedOutput();
      const summary = await s12.run(out, { quick: true });
      const results = out.lines.filter((l) => l.startsWith('task is over'));
      assert.equal(results.length, 40);
      for (const [i, line] of results.slice(0, 20).entries())
        assert.match(line, new RegExp(`^task is over ${i} ThreadPoolExecutor-\\d+_\\d+$`));
      const pids = new Set<string>();
      for (const [i, line] of results.slice(20).entries()) {
        const m = new RegExp(`^task is over ${i} SpawnProcess-[\\d:]+ \\(pid (\\d+)\\)$`).exec(
          line,
        );
        assert.ok(m, line);
        assert.notEqual(Number(m[1]), process.pid);
        pids.add(m[1]!);
      }
      assert.ok(pids.size >= 2 && pids.size <= 5, `a pool of 5 processes: ${[...pids]}`);
      assert.equal(out.lines.filter((l) => l === 'from func').length, 40);
      assert.match(summary, /processes: the same from a pool of 5/);
    },
  );

  it("S43: callbacks print 3, {'name': 'lin'} and lin", T, async () => {
    const out = new CapturedOutput();
    const summary = await s43.run(out, { quick: true });
    assert.deepEqual([...out.lines].sort(), ['3', '{"name":"lin"}', 'lin'].sort());
    assert.ok(out.lines.indexOf('{"name":"lin"}') < out.lines.indexOf('lin'));
    assert.match(summary, /3/);
  });

  it('S44: the done/not-done split follows returnWhen', T, async () => {
    const out = new CapturedOutput();
    await s44.run(out, { quick: true });
    assert.deepEqual(out.lines, [
      'FIRST_COMPLETED: 1 done, 2 not done',
      'FIRST_EXCEPTION: 2 done, 1 not done',
      'ALL_COMPLETED: 3 done, 0 not done',
    ]);
  });

  it("S45: result() re-raises the task's error with the worker's stack", T, async () => {
    const out = new CapturedOutput();
    await s45.run(out, { quick: true });
    assert.equal(out.lines[0], 'divide(1, 2) = 0.5');
    assert.equal(out.lines[1], 'ZeroDivisionError: division by zero');
    assert.match(out.lines[2]!, /raised in the worker .*divide.*s45_result_reraises/);
  });

  it('S46: map results come in input order', T, async () => {
    const out = new CapturedOutput();
    const summary = await s46.run(out, { quick: true });
    assert.match(summary, /^map: 60, 20, 40 \(input order\), though they finished 20, 40, 60$/);
  });
});
