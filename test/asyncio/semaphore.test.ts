import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedSemaphore, gather, Semaphore, sleep } from 'weft/asyncio';
import { ArgumentTypeError, ValueError } from 'weft/errors';
import { rejection, T, tick } from './_helpers.js';

describe('Semaphore', () => {
  it('limits concurrency to its value', T, async () => {
    const sem = new Semaphore(2);
    let inside = 0;
    let most = 0;
    await gather(
      ...Array.from({ length: 6 }, async () => {
        using _ = await sem.acquire();
        inside++;
        most = Math.max(most, inside);
        await sleep(2);
        inside--;
      }),
    );
    assert.equal(most, 2);
    assert.equal(sem.value, 2);
  });

  it('value < 0 and non-integers are rejected, naming the parameter', T, () => {
    assert.throws(() => new Semaphore(-1), ValueError);
    assert.throws(() => new Semaphore(-1), /value must be >= 0, got -1/);
    assert.throws(() => new Semaphore(1.5), /value must be an integer/);
    assert.throws(() => new Semaphore('2' as never), ArgumentTypeError);
  });

  it('release(n) with n < 1 is a ValueError; release(n) wakes n waiters in order', T, async () => {
    const sem = new Semaphore(0);
    assert.throws(() => sem.release(0), ValueError);
    assert.throws(() => sem.release(0), /n must be >= 1, got 0/);
    const order: number[] = [];
    const waiters = [1, 2, 3].map((i) => sem.acquire().then(() => order.push(i)));
    await tick();
    sem.release(2);
    await tick();
    assert.deepEqual(order, [1, 2]);
    assert.equal(sem.value, 0);
    sem.release(2);
    await Promise.all(waiters);
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(sem.value, 1);
  });

  it('is FIFO: a newcomer never overtakes a waiter', T, async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const order: string[] = [];
    const first = sem.acquire().then(() => order.push('waiter'));
    await tick();
    sem.release();
    const late = sem.acquire().then(() => order.push('newcomer'));
    await first;
    sem.release();
    await late;
    assert.deepEqual(order, ['waiter', 'newcomer']);
  });

  it(
    'timed-out waiters leave and never keep locked() wrong (async-mutex complaint)',
    T,
    async () => {
      const sem = new Semaphore(1);
      await sem.acquire();
      const results = await gather(
        sem.acquire({ timeout: 5 }),
        sem.acquire({ timeout: 5 }),
        sem.acquire({ timeout: 5 }),
      );
      assert.deepEqual(results, [false, false, false]);
      assert.equal(sem.waiting, 0);
      assert.equal(sem.locked(), true);
      sem.release();
      assert.equal(sem.locked(), false);
      assert.equal(sem.value, 1);
    },
  );

  it('one pending acquire can be cancelled with a signal (async-mutex complaint)', T, async () => {
    const sem = new Semaphore(0);
    const ac = new AbortController();
    const a = sem.acquire({ signal: ac.signal });
    const b = sem.acquire();
    ac.abort(new Error('not this one'));
    assert.equal((await rejection(a)).message, 'not this one');
    sem.release();
    assert.ok(await b);
    assert.equal(sem.value, 0);
  });
});

describe('BoundedSemaphore', () => {
  it('over-release throws ValueError("Semaphore released too many times")', T, async () => {
    const sem = new BoundedSemaphore(2);
    assert.throws(() => sem.release(), ValueError);
    assert.throws(() => sem.release(), /Semaphore released too many times/);
    await sem.acquire();
    assert.throws(() => sem.release(2), /too many times/);
    sem.release();
    assert.equal(sem.value, 2);
    assert.throws(() => new BoundedSemaphore(-1), /value must be >= 0/);
  });

  it('hands releases to waiters without counting them as over-release', T, async () => {
    const sem = new BoundedSemaphore(1);
    const held = await sem.acquire();
    const waiter = sem.acquire();
    await tick();
    held.release();
    (await waiter).release();
    assert.equal(sem.value, 1);
  });
});
