import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  Barrier,
  Condition,
  createTask,
  currentTask,
  Event,
  Lock,
  Queue,
  Semaphore,
  sleep,
  Task,
} from 'weft/asyncio';
import { ArgumentTypeError, CancelledError, InvalidStateError } from 'weft/errors';
import { deferred, rejection, state, T, tick } from './_helpers.js';

describe('Task', () => {
  it('runs fn with its signal and is awaitable', T, async () => {
    let seen: AbortSignal | undefined;
    const task = createTask(async (signal) => {
      seen = signal;
      return 42;
    });
    assert.equal(task.done(), false);
    assert.equal(await task, 42);
    assert.equal(seen, task.signal);
    assert.equal(task.done(), true);
    assert.equal(task.cancelled(), false);
    assert.equal(task.result(), 42);
    assert.equal(task.exception(), undefined);
  });

  it('accepts a synchronous function and a synchronous throw', T, async () => {
    assert.equal(await createTask(() => 7), 7);
    const boom = new Error('boom');
    const failing = createTask(() => {
      throw boom;
    });
    assert.equal(await rejection(failing), boom);
    assert.equal(failing.exception(), boom);
    assert.throws(() => failing.result(), /boom/);
  });

  it('starts on a later microtask: a task cancelled at once never runs', T, async () => {
    let ran = false;
    const task = createTask(() => {
      ran = true;
    });
    assert.equal(task.cancel(), true);
    assert.ok((await rejection(task)) instanceof CancelledError);
    assert.equal(ran, false);
    assert.equal(task.cancelled(), true);
  });

  it('result() and exception() of a pending task throw InvalidStateError', T, async () => {
    const gate = deferred();
    const task = createTask(() => gate.promise);
    assert.throws(() => task.result(), InvalidStateError);
    assert.throws(() => task.exception(), InvalidStateError);
    gate.resolve();
    await task;
  });

  it(
    'cancel(msg) delivers CancelledError(msg) through the signal; cancel of a done task is false',
    T,
    async () => {
      const started = deferred();
      const task = createTask(async (signal) => {
        started.resolve();
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      });
      await started.promise;
      assert.equal(task.cancel('stop now'), true);
      const err = await rejection(task);
      assert.ok(err instanceof CancelledError);
      assert.equal(err.message, 'stop now');
      assert.throws(() => task.result(), CancelledError);
      assert.throws(() => task.exception(), CancelledError);
      assert.equal(task.cancel(), false);
    },
  );

  it('a function that swallows the cancellation completes normally (as Python)', T, async () => {
    const task = createTask(async () => {
      try {
        await sleep(5_000);
      } catch {
        return 'swallowed';
      }
    });
    await tick();
    task.cancel();
    assert.equal(await task, 'swallowed');
    assert.equal(task.cancelled(), false);
  });

  it('names: default Task-N, option, getName/setName and the name property', T, async () => {
    const a = createTask(() => 1);
    assert.match(a.name, /^Task-\d+$/);
    const b = new Task(() => 1, { name: 'worker' });
    assert.equal(b.getName(), 'worker');
    b.setName('renamed');
    assert.equal(b.name, 'renamed');
    b.name = 'again';
    assert.equal(b.getName(), 'again');
    assert.equal(String(b), 'Task<again pending>');
    await Promise.all([a, b]);
    assert.throws(() => b.setName(3 as never), /name must be a string/);
  });

  it(
    'done callbacks run once done, with the task; removeDoneCallback counts removals',
    T,
    async () => {
      const gate = deferred();
      const task = createTask(() => gate.promise);
      const calls: string[] = [];
      const cb = (t: Task<void>) => calls.push(`cb ${t === task}`);
      const removed = () => calls.push('removed');
      task.addDoneCallback(cb);
      task.addDoneCallback(removed);
      task.addDoneCallback(removed);
      assert.equal(task.removeDoneCallback(removed), 2);
      gate.resolve();
      await task;
      await tick();
      assert.deepEqual(calls, ['cb true']);
      task.addDoneCallback(() => calls.push('late'));
      await tick();
      assert.deepEqual(calls, ['cb true', 'late']);
    },
  );

  it('currentTask() is the running task inside it, undefined outside', T, async () => {
    assert.equal(currentTask(), undefined);
    const task = createTask(async () => {
      await sleep(1);
      return { current: currentTask() }; // not the task itself: a Task is thenable
    });
    assert.equal((await task).current, task);
  });

  it('rejects a non-function and unknown options', T, () => {
    assert.throws(() => createTask(Promise.resolve(1) as never), ArgumentTypeError);
    assert.throws(() => createTask(Promise.resolve(1) as never), /fn must be a function/);
    assert.throws(() => createTask(() => 1, { nmae: 'x' } as never), /did you mean 'name'/);
  });
});

describe('implicit cancellation', () => {
  const waits: Record<string, () => Promise<unknown>> = {
    sleep: () => sleep(5_000),
    'Lock.acquire': async () => {
      const lock = new Lock();
      await lock.acquire();
      await lock.acquire();
    },
    'Semaphore.acquire': () => new Semaphore(0).acquire(),
    'Event.wait': () => new Event().wait(),
    'Condition.wait': async () => {
      const cond = new Condition();
      await cond.acquire();
      await cond.wait();
    },
    'Barrier.wait': () => new Barrier(2).wait(),
    'Queue.get': () => new Queue().get(),
    'Queue.put': async () => {
      const q = new Queue({ maxsize: 1 });
      await q.put(1);
      await q.put(2);
    },
    'Queue.join': async () => {
      const q = new Queue();
      q.putNowait(1);
      await q.join();
    },
  };
  for (const [name, wait] of Object.entries(waits)) {
    it(`${name} inside a task is interrupted by task.cancel() without a signal`, T, async () => {
      const task = createTask(wait);
      await tick();
      await tick();
      assert.equal(task.done(), false);
      task.cancel(`cancel ${name}`);
      const err = await rejection(task);
      assert.ok(err instanceof CancelledError, String(err));
      assert.equal(err.message, `cancel ${name}`);
    });
  }

  it('the uncontended fast path does not look at the cancellation', T, async () => {
    const lock = new Lock();
    const task = createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      const held = await lock.acquire(); // free: acquired even though cancelled
      held.release();
      return 'acquired';
    });
    await tick();
    task.cancel();
    assert.equal(await task, 'acquired');
  });
});

/** Runs `body` as an ES module with weft/asyncio's exports in scope, under --expose-gc. */
function runWithGc(body: string) {
  const weft = createRequire(import.meta.url).resolve('weft/package.json');
  const entry = new URL('dist/src/asyncio/index.js', `file://${weft}`).href;
  const script = `const { createTask, sleep } = await import(${JSON.stringify(entry)});
    ${body}
    for (let i = 0; i < 3; i++) { await sleep(20); globalThis.gc(); }
    console.log('still alive');`;
  return spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 8_000,
  });
}

describe('unretrieved task failures', () => {
  it('do not crash the process and warn "Task exception was never retrieved"', T, () => {
    const r = runWithGc(
      `(() => { createTask(async () => { throw new Error('lost failure'); }); })();`,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /still alive/);
    assert.match(r.stderr, /Task exception was never retrieved/);
    assert.match(r.stderr, /lost failure/);
  });

  it('a retrieved failure does not warn', T, () => {
    const r = runWithGc(`await (async () => {
      const t = createTask(async () => { throw new Error('seen'); });
      await t.then(() => {}, () => {});
    })();`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /still alive/);
    assert.doesNotMatch(r.stderr, /never retrieved/);
  });

  it('a pending task is still pending after a tick (no hidden settle)', T, async () => {
    const gate = deferred();
    const task = createTask(() => gate.promise);
    assert.equal(await state(task), 'pending');
    gate.resolve();
    assert.equal(await state(task), 'fulfilled');
  });
});
