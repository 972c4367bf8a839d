import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Thread } from 'weft/threading';
import { nap } from '../fixtures/thread_tasks.js';

describe('virtual-thread isolates', () => {
  it('new threads go to a warm isolate while another one is still booting', {
    timeout: 30_000,
  }, async () => {
    const warm = new Thread({ target: nap, args: [1] });
    warm.start();
    await warm.join();
    const t0 = performance.now();
    const threads = Array.from({ length: 100 }, () => new Thread({ target: nap, args: [100] }));
    for (const t of threads) t.start();
    // A second isolate has been asked for, but it cannot have booted yet: none waits for it.
    assert.deepEqual(new Set(threads.map((t) => t.nativeId)), new Set([warm.nativeId]));
    for (const t of threads) await t.join();
    const ms = performance.now() - t0;
    assert.ok(ms < 500, `100 threads of 100 ms took ${ms} ms`);
  });
});
