import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask, sleep, type Task, TaskGroup } from 'weft/asyncio';
import { CancelledError, ExceptionGroup, RuntimeError } from 'weft/errors';
import { deferred, rejection, T, tick } from './_helpers.js';

describe('TaskGroup.run', () => {
  it('waits for every child and returns the body result', T, async () => {
    const order: string[] = [];
    const [a, b] = await TaskGroup.run(async (tg) => {
      const a = tg.createTask(async () => {
        await sleep(10);
        order.push('a');
        return 1;
      });
      const b = tg.createTask(async () => {
        order.push('b');
        return 2;
      });
      return [a, b] as const;
    });
    assert.equal(a.result(), 1);
    assert.equal(b.result(), 2);
    assert.deepEqual(order, ['b', 'a']);
  });

  it(
    'the first failure cancels the siblings and the body; errors come as an ExceptionGroup',
    T,
    async () => {
      let sibling: Task<void> | undefined;
      let bodyInterrupted = false;
      const err = await rejection(
        TaskGroup.run(async (tg) => {
          sibling = tg.createTask(() => sleep(5_000));
          tg.createTask(async () => {
            await sleep(1);
            throw new Error('child failed');
          });
          try {
            await sleep(5_000); // no signal: the body runs in the group's scope
          } catch (e) {
            bodyInterrupted = e instanceof CancelledError;
            throw e;
          }
        }),
      );
      assert.ok(err instanceof ExceptionGroup);
      assert.ok(err instanceof AggregateError);
      assert.deepEqual(
        err.exceptions.map((e) => (e as Error).message),
        ['child failed'],
      );
      assert.match(err.message, /unhandled errors in a TaskGroup \(1 sub-exception\)/);
      assert.equal(sibling?.cancelled(), true);
      assert.equal(bodyInterrupted, true);
    },
  );

  it('collects every child error, not cancellations; the body error joins them', T, async () => {
    const gate = deferred();
    const err = await rejection(
      TaskGroup.run(async (tg) => {
        tg.createTask(async () => {
          await gate.promise;
          throw new Error('one');
        });
        tg.createTask(async () => {
          await gate.promise;
          throw new Error('two');
        });
        tg.createTask(() => sleep(5_000));
        gate.resolve();
        await tick();
        throw new Error('body');
      }),
    );
    assert.ok(err instanceof ExceptionGroup);
    assert.deepEqual(
      err.exceptions.map((e) => (e as Error).message),
      ['one', 'two', 'body'],
    );
  });

  it('tg.signal aborts when the group aborts', T, async () => {
    let signal: AbortSignal | undefined;
    await rejection(
      TaskGroup.run(async (tg) => {
        signal = tg.signal;
        assert.equal(tg.signal.aborted, false);
        tg.createTask(async () => {
          throw new Error('x');
        });
      }),
    );
    assert.equal(signal?.aborted, true);
  });

  it('a cancelled parent cancels the children and propagates CancelledError', T, async () => {
    let child: Task<void> | undefined;
    const parent = createTask(() =>
      TaskGroup.run(async (tg) => {
        child = tg.createTask(() => sleep(5_000));
      }),
    );
    await tick();
    await tick();
    parent.cancel('parent');
    const err = await rejection(parent);
    assert.ok(err instanceof CancelledError);
    assert.equal(err.message, 'parent');
    assert.equal(child?.cancelled(), true);
  });

  it(
    'createTask after the group finished or while it shuts down throws RuntimeError',
    T,
    async () => {
      let saved: TaskGroup | undefined;
      await TaskGroup.run((tg) => {
        saved = tg;
      });
      assert.throws(() => saved!.createTask(() => 1), RuntimeError);
      assert.throws(() => saved!.createTask(() => 1), /TaskGroup is finished/);
      await rejection(
        TaskGroup.run(async (tg) => {
          tg.createTask(async () => {
            throw new Error('x');
          });
          await sleep(5_000).catch(() => {});
          assert.throws(() => tg.createTask(() => 1), /shutting down/);
        }),
      );
    },
  );

  it('children started by children while closing are waited for too', T, async () => {
    const done: string[] = [];
    await TaskGroup.run((tg) => {
      tg.createTask(async () => {
        await sleep(1);
        tg.createTask(async () => {
          await sleep(5);
          done.push('grandchild');
        });
      });
    });
    assert.deepEqual(done, ['grandchild']);
  });
});

describe('await using TaskGroup', () => {
  it('closing waits for the children and throws their ExceptionGroup', T, async () => {
    const done: number[] = [];
    {
      await using tg = new TaskGroup();
      tg.createTask(async () => {
        await sleep(5);
        done.push(1);
      });
    }
    assert.deepEqual(done, [1]);
    const err = await rejection(
      (async () => {
        await using tg = new TaskGroup();
        tg.createTask(async () => {
          throw new Error('child');
        });
      })(),
    );
    assert.ok(err instanceof ExceptionGroup);
  });

  it(
    'a body error with failing children gives SuppressedError (use run for the clean shape)',
    T,
    async () => {
      const err = await rejection(
        (async () => {
          await using tg = new TaskGroup();
          tg.createTask(async () => {
            throw new Error('child');
          });
          throw new Error('body');
        })(),
      );
      assert.equal(err.name, 'SuppressedError');
      assert.ok(err.error instanceof ExceptionGroup);
      assert.equal(err.suppressed.message, 'body');
    },
  );

  it('closing twice is refused', T, async () => {
    const tg = new TaskGroup();
    await tg[Symbol.asyncDispose]();
    await assert.rejects(tg[Symbol.asyncDispose](), /already closed/);
  });
});
