import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, ValueError } from 'weft/errors';
import { BoundedSemaphore, Event, Semaphore } from 'weft/threading';
import { runScenario, startScenario, within } from '../helpers.js';

const T = { timeout: 60_000 };

describe('threading.Semaphore', () => {
  it('counts permits; bad values raise ValueError naming the parameter', async () => {
    const s = new Semaphore(2);
    assert.ok(await s.acquire());
    assert.ok(s.acquireSync());
    assert.equal(s.acquireSync({ timeout: 0 }), false);
    assert.ok(s.locked());
    s.release(2);
    assert.ok(!s.locked());
    assert.throws(
      () => new Semaphore(-1),
      (e: unknown) =>
        e instanceof ValueError && /value must be >= 0, got -1/.test((e as Error).message),
    );
    assert.throws(() => s.release(0), /n must be >= 1, got 0/);
    assert.throws(() => new Semaphore(1.5), ValueError);
    assert.throws(() => new Semaphore('3' as never), ArgumentTypeError);
    assert.throws(() => new Semaphore(1, { undoo: true } as never), /did you mean 'undo'/);
  });

  it('BoundedSemaphore refuses to be released too many times', () => {
    const b = new BoundedSemaphore(1);
    assert.throws(
      () => b.release(),
      (e: unknown) =>
        e instanceof ValueError && /Semaphore released too many times/.test((e as Error).message),
    );
    b.acquireSync();
    b.release();
    assert.throws(() => b.release(), ValueError);
    assert.ok(String(b).includes('BoundedSemaphore'));
  });

  it('timeout and abort on the async form', T, async () => {
    const s = new Semaphore(0);
    assert.equal(await s.acquire({ timeout: 10 }), false);
    const ac = new AbortController();
    const p = s.acquire({ signal: ac.signal });
    ac.abort(new Error('nope'));
    await assert.rejects(p, /nope/);
    const q = s.acquire();
    s.release();
    assert.ok(await within(2000, q));
  });

  it('S10: never more than the bound inside at once, across 6 threads', T, async () => {
    const sem = new Semaphore(3);
    const inside = new Int32Array(new SharedArrayBuffer(4));
    const worst = await runScenario('semaphoreBound', { sem, inside, rounds: 20_000 }, 6);
    assert.ok(Math.max(...worst) <= 3, `at most 3 inside, saw ${worst}`);
    assert.equal(inside[0], 0);
    assert.ok(!sem.locked());
  });

  it('permits held by a crashed thread are returned', T, async () => {
    const sem = new Semaphore(1);
    const held = new Event();
    const never = new Event();
    const { worker } = startScenario('holdPermitAndHang', { sem, held, never });
    assert.ok(await held.wait({ timeout: 10_000 }));
    assert.equal(await sem.acquire({ timeout: 10 }), false);
    await worker.terminate();
    assert.ok(await within(5000, sem.acquire()));
  });
});

describe('threading.Event', () => {
  it('set, clear, isSet, wait with timeout', T, async () => {
    const e = new Event();
    assert.equal(e.isSet(), false);
    assert.equal(await e.wait({ timeout: 5 }), false);
    assert.equal(e.waitSync({ timeout: 1 }), false);
    e.set();
    assert.equal(await e.wait(), true);
    assert.equal(e.waitSync(), true);
    e.clear();
    assert.equal(e.isSet(), false);
    await assert.rejects(e.wait({ timeout: -2 }), ValueError);
  });

  it('S11: five threads wait for a light another thread sets', T, async () => {
    const ev = new Event();
    const go = new Event();
    const cars = Array.from({ length: 5 }, () => startScenario('waitEvent', { ev }));
    const light = startScenario('setEventWhen', { go, ev });
    try {
      go.set();
      const results = await within(10_000, Promise.all(cars.map((c) => c.result)), 'cars');
      assert.deepEqual(results, [true, true, true, true, true]);
    } finally {
      await Promise.all([...cars, light].map((c) => c.worker.terminate()));
    }
  });
});
