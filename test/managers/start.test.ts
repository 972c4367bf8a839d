import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeError } from 'weft/errors';
import { MathManager, makeHidden } from '../fixtures/start_manager.js';

const T = { timeout: 60_000 };

describe('BaseManager.start()', () => {
  it('serves the class from a child process; shutdown stops it', T, async () => {
    const m = new MathManager({ authkey: 'abc' });
    await m.start();
    assert.equal(m.address?.host, '127.0.0.1');
    assert.ok(m.address!.port > 0);
    assert.equal(await m.sum(2, 3), 5);
    const pid = await m.pid();
    assert.notEqual(pid, process.pid);
    await assert.rejects(m.start(), RuntimeError);
    await m.shutdown();
    assert.equal(await m.join({ timeout: 10_000 }), true);
    await assert.rejects(m.sum(1, 1), RuntimeError);
  });

  it('await using stops the server', T, async () => {
    let m: MathManager;
    {
      await using started = new MathManager({ authkey: 'abc' });
      m = started;
      await started.start();
      assert.equal(await started.sum(1, 1), 2);
    }
    assert.equal(await m.join({ timeout: 10_000 }), true);
  });

  it('a class the child cannot rebuild fails start() with the reason', T, async () => {
    await assert.rejects(makeHidden().start(), /server process ended before it listened/);
  });
});
