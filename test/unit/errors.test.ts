import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as errors from 'weft/errors';
import {
  ArgumentTypeError,
  BrokenBarrierError,
  CancelledError,
  Empty,
  ExceptionGroup,
  RuntimeError,
  TimeoutError,
  ValueError,
  WeftError,
} from 'weft/errors';

describe('errors', () => {
  it('every class is a WeftError with a stable code and name', () => {
    for (const [kind, Ctor] of errors.errorClasses) {
      const e = new Ctor('boom');
      assert.ok(e instanceof WeftError, kind);
      assert.ok(e instanceof Error, kind);
      assert.equal(e.name, kind);
      assert.match((e as WeftError).code, /^ERR_WEFT/);
      assert.equal(e.message, 'boom');
    }
  });

  it('subclasses match their ancestors and not their siblings', () => {
    const e = new TimeoutError('late');
    assert.ok(e instanceof TimeoutError);
    assert.ok(e instanceof WeftError);
    assert.ok(!(e instanceof CancelledError));
    assert.ok(!(new Error('x') instanceof WeftError));
    assert.ok(!((null as unknown as object) instanceof WeftError));
    assert.ok(!((42 as unknown) instanceof WeftError));
  });

  it('argument errors are also native RangeError / TypeError', () => {
    const v = new ValueError('bad');
    assert.ok(v instanceof RangeError);
    assert.ok(v instanceof WeftError);
    assert.equal(v.code, 'ERR_WEFT_VALUE');
    const t = new ArgumentTypeError('bad');
    assert.ok(t instanceof TypeError);
    assert.ok(t instanceof WeftError);
    assert.ok(!(t instanceof ValueError));
  });

  it('carries cause', () => {
    const root = new Error('root');
    const e = new RuntimeError('wrapped', { cause: root });
    assert.equal(e.cause, root);
  });

  it('instanceof works for an error branded by another copy of the module', () => {
    // Simulate a second copy: a plain Error carrying the registry brand.
    const foreign = new Error('from elsewhere');
    Object.defineProperty(foreign, Symbol.for('weft.error.kinds'), {
      value: ['Empty', 'WeftError'],
    });
    assert.ok(foreign instanceof Empty);
    assert.ok(foreign instanceof WeftError);
    assert.ok(!(foreign instanceof BrokenBarrierError));
  });

  it('ExceptionGroup is an AggregateError listing its members', () => {
    const a = new Error('a');
    const b = new TimeoutError('b');
    const g = new ExceptionGroup('two failures', [a, b]);
    assert.ok(g instanceof AggregateError);
    assert.ok(g instanceof WeftError);
    assert.deepEqual(g.exceptions, [a, b]);
    assert.deepEqual(g.errors, [a, b]);
    assert.equal(g.code, 'ERR_WEFT_EXCEPTION_GROUP');
  });

  it('the error module loads in a worker thread and its classes work there', async () => {
    const w = new Worker(
      `import('weft/errors').then(({ TimeoutError, WeftError }) => {
        const { parentPort } = require('node:worker_threads');
        parentPort.postMessage(new TimeoutError('x') instanceof WeftError);
      });`,
      { eval: true },
    );
    const [ok] = await Promise.all([
      new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      }),
    ]);
    assert.equal(ok, true);
    await w.terminate();
  });
});
