import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lock, Thread } from 'weft/threading';
import { firstWaiter, secondWaiter } from '../fixtures/deadlock_tasks.js';

describe('deadlock detection', () => {
  it('finds a two-thread cycle promptly whenever it closes, and raises in one thread only', {
    timeout: 60_000,
  }, async () => {
    // The first thread sleeps in slices of 100 ms; closing the cycle near the end of a slice
    // makes both threads look at it at about the same time.
    for (const delay of [0, 0, 0, 0, 0, 50, 75, 78, 81, 84, 87, 90, 93, 96, 99]) {
      const a = new Lock();
      const b = new Lock();
      const state = new Int32Array(new SharedArrayBuffer(8));
      const times = new Float64Array(new SharedArrayBuffer(16));
      const threads = [
        new Thread({ target: firstWaiter, args: [a, b, state, times] }),
        new Thread({ target: secondWaiter, args: [a, b, state, times, delay] }),
      ];
      for (const t of threads) t.start();
      for (const t of threads) assert.equal(await t.join({ timeout: 20_000 }), true);
      const ms = times[1]! - times[0]!;
      assert.equal(state[1], 1, `DeadlockErrors raised (delay ${delay})`);
      assert.ok(ms < 300, `found after ${ms.toFixed(0)} ms (second waiter ${delay} ms later)`);
    }
  });
});
