import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CapturedOutput } from '../../examples/_seed.js';
import seed from '../../examples/s71_many_machines.js';
import { RedisServer, skipWithoutRedis } from '../redis/_harness.js';

const T = { timeout: 120_000 } as const;

describe('S71 many machines', () => {
  it('without WEFT_REDIS_URL it says how to run it, and does not fail', T, async () => {
    const saved = process.env.WEFT_REDIS_URL;
    delete process.env.WEFT_REDIS_URL;
    try {
      const out = new CapturedOutput();
      const summary = await seed.run(out, { quick: true });
      assert.match(summary, /^not run: set WEFT_REDIS_URL/);
      assert.match(out.text, /WEFT_REDIS_URL=redis:\/\/127\.0\.0\.1:6379 npx weft demo S71/);
    } finally {
      if (saved !== undefined) process.env.WEFT_REDIS_URL = saved;
    }
  });

  describe('against a redis-server', { skip: skipWithoutRedis() }, () => {
    let server: RedisServer;
    before(async () => {
      server = await RedisServer.start();
    });
    after(async () => {
      await server?.stop();
    });

    it('two weft workers count the primes below 400 000 together', T, async () => {
      const saved = process.env.WEFT_REDIS_URL;
      process.env.WEFT_REDIS_URL = server.url;
      try {
        const out = new CapturedOutput();
        const summary = await seed.run(out, { quick: true });
        assert.equal(out.lines.length, 17);
        assert.match(out.lines[0]!, /^primes in \[0, 25000\): 2762 {2}\(by .+:\d+\)$/);
        assert.equal(out.lines[16], '33860 primes below 400000');
        assert.match(
          summary,
          /^33860 primes below 400000, counted in 16 tasks by 2 weft workers sharing one map through Redis in [\d.]+ s$/,
        );
      } finally {
        if (saved === undefined) delete process.env.WEFT_REDIS_URL;
        else process.env.WEFT_REDIS_URL = saved;
      }
    });
  });
});
