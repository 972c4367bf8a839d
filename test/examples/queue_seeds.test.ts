import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CapturedOutput } from '../../examples/_seed.js';
import s20 from '../../examples/s20_bounded_queue.js';
import s21 from '../../examples/s21_producer_consumer_threads.js';
import s22 from '../../examples/s22_queue_kinds.js';

const T = { timeout: 60_000 } as const;

describe('queue seed examples', () => {
  it(
    'S20: the 4th put waits for room; timeout 0, a timeout and putNowait raise Full',
    T,
    async () => {
      const out = new CapturedOutput();
      const summary = await s20.run(out, { quick: true });
      assert.equal(s20.id, 'S20');
      assert.deepEqual(out.lines, [
        'new Queue({ maxsize: 3 }): qsize=0 empty=true full=false',
        'after put 1, 2, 3: qsize=3 empty=false full=true',
        'the 4th put is still waiting after 50 ms: true',
        'get() -> 1',
        'the 4th put went through: qsize=3 empty=false full=true',
        'put(5, { timeout: 0 }) raised Full',
        'put(5, { timeout: 50 }) raised Full',
        '  ... after waiting its timeout: true',
        'putNowait(5) raised Full',
        'drained 2 3 4: qsize=0 empty=true full=false',
      ]);
      assert.match(summary, /raised Full/);
    },
  );

  it('S22: FIFO 1 2 3, LIFO 3 2 1, priority 20 30 40', T, async () => {
    const out = new CapturedOutput();
    await s22.run(out, { quick: true });
    assert.equal(s22.id, 'S22');
    assert.deepEqual(out.lines, [
      'Queue:         1 2 3',
      'LifoQueue:     3 2 1',
      'PriorityQueue: 20 30 40',
      '  (values: twenty thirty forty)',
    ]);
  });

  it(
    'S21: producers and consumers in threads: every item consumed once, every thread ends',
    T,
    async () => {
      const out = new CapturedOutput();
      const summary = await s21.run(out, { quick: true });
      assert.equal(s21.id, 'S21');
      assert.equal(out.lines[0], '3 producers x 20 items, 2 consumers, Queue({ maxsize: 10 })');
      assert.equal(out.lines[1], 'producers done; one sentinel per consumer');
      const counts = out.lines
        .slice(2, 4)
        .map((l) => Number(/^C\d consumed (\d+) items$/.exec(l)?.[1]));
      assert.equal(counts[0]! + counts[1]!, 60, out.text);
      assert.deepEqual(out.lines.slice(4), [
        '60 of 60 items consumed, each once: true',
        'threads still alive: 0',
      ]);
      assert.match(summary, /all 60 items consumed exactly once/);
    },
  );

  it('S21 as a program ends by itself, promptly, with exit code 0', T, () => {
    const script = fileURLToPath(
      new URL('../../examples/s21_producer_consumer_threads.js', import.meta.url),
    );
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [script, '--quick'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const ms = performance.now() - t0;
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /60 of 60 items consumed, each once: true/);
    assert.ok(ms < 8000, `the program took ${ms} ms to end`);
  });
});
