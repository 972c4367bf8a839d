import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapturedOutput } from '../../examples/_seed.js';
import s24 from '../../examples/s24_generator_consumer.js';
import s50 from '../../examples/s50_concurrent_sleeps.js';
import s51 from '../../examples/s51_gather.js';
import s52 from '../../examples/s52_generator_switch.js';
import s53 from '../../examples/s53_hello_sleep.js';

const T = { timeout: 10_000 } as const;

async function timed(run: () => Promise<string>): Promise<{ summary: string; ms: number }> {
  const t0 = performance.now();
  const summary = await run();
  return { summary, ms: performance.now() - t0 };
}

describe('asyncio seed examples', () => {
  it(
    'S24: producer and consumer interleave item by item, with a generator and a Queue',
    T,
    async () => {
      const out = new CapturedOutput();
      await s24.run(out, { quick: true });
      const exchange = (n: number) => [
        `[PRODUCER] Producing ${n}...`,
        `[CONSUMER] Consuming ${n}...`,
        `[PRODUCER] Consumer return: 200 OK`,
      ];
      const rounds = [1, 2, 3].flatMap(exchange);
      assert.deepEqual(out.lines, [
        '-- generator coroutine (send = next(value))',
        ...rounds,
        '-- weft/asyncio Queue, two tasks',
        ...rounds,
      ]);
      assert.equal(s24.id, 'S24');
    },
  );

  it('S50: two sleeps run concurrently: total near the longer, well under the sum', T, async () => {
    const out = new CapturedOutput();
    const { ms } = await timed(() => s50.run(out, { quick: true }));
    assert.deepEqual(out.lines.slice(0, 4), [
      'func1 running',
      'func2 running',
      'func1 over',
      'func2 over',
    ]);
    assert.ok(ms >= 490, `took ${ms} ms`);
    assert.ok(ms < 790, `took ${ms} ms: not concurrent (the sum would be 800)`);
    const printed = Number(out.lines[4]);
    assert.ok(printed >= 0.49 && printed < 0.79, `printed ${printed}`);
  });

  it('S51: gather: both start before either ends, about one sleep in all', T, async () => {
    const out = new CapturedOutput();
    const { ms } = await timed(() => s51.run(out, { quick: true }));
    assert.deepEqual(out.lines, [
      '任务 任务1 开始',
      '任务 任务2 开始',
      '任务 任务1 结束',
      '任务 任务2 结束',
    ]);
    assert.ok(ms >= 190 && ms < 390, `took ${ms} ms (two 200 ms sleeps in sequence take 400)`);
  });

  it('S52: greenlet-style switches interleave the prints', T, async () => {
    const out = new CapturedOutput();
    await s52.run(out, { quick: true });
    assert.deepEqual(out.lines, ['egon eat 1', 'egon play 1', 'egon eat 2', 'egon play 2']);
  });

  it('S53: Hello world!, a sleep, Hello again!', T, async () => {
    const out = new CapturedOutput();
    const { ms, summary } = await timed(() => s53.run(out, { quick: true }));
    assert.deepEqual(out.lines, ['Hello world!', 'Hello again!']);
    assert.ok(ms >= 95 && ms < 1_000, `took ${ms} ms`);
    assert.match(summary, /Hello again!/);
  });
});
