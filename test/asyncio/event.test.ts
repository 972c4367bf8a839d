import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Event } from 'weft/asyncio';
import { rejection, state, T, tick } from './_helpers.js';

describe('Event', () => {
  it('set wakes every waiter; wait on a set event returns true at once', T, async () => {
    const ev = new Event();
    assert.equal(ev.isSet(), false);
    const waiters = [ev.wait(), ev.wait(), ev.wait()];
    await tick();
    assert.equal(await state(waiters[0]!), 'pending');
    ev.set();
    assert.deepEqual(await Promise.all(waiters), [true, true, true]);
    assert.equal(ev.isSet(), true);
    assert.equal(await ev.wait(), true);
  });

  it('clear lowers the flag again', T, async () => {
    const ev = new Event();
    ev.set();
    ev.clear();
    assert.equal(ev.isSet(), false);
    assert.equal(await ev.wait({ timeout: 5 }), false);
  });

  it(
    'a timeout resolves false; a signal rejects with its reason; others still wake',
    T,
    async () => {
      const ev = new Event();
      const ac = new AbortController();
      const aborted = ev.wait({ signal: ac.signal });
      const timed = ev.wait({ timeout: 5 });
      const plain = ev.wait();
      ac.abort(new Error('bye'));
      assert.equal((await rejection(aborted)).message, 'bye');
      assert.equal(await timed, false);
      ev.set();
      assert.equal(await plain, true);
    },
  );

  it('rejects bad options', T, () => {
    assert.throws(() => new Event().wait({ timeout: -1 }), /timeout must be a non-negative/);
  });
});
