import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkInt,
  checkOptions,
  checkSignal,
  checkTimeout,
  checkWaitOptions,
  describe as describeValue,
} from '../../src/_internal/validate.js';
import { ArgumentTypeError, ValueError } from '../../src/errors.js';

describe('validate', () => {
  it('checkTimeout accepts absent and infinite as no timeout', () => {
    assert.equal(checkTimeout(undefined), undefined);
    assert.equal(checkTimeout(null), undefined);
    assert.equal(checkTimeout(Number.POSITIVE_INFINITY), undefined);
    assert.equal(checkTimeout(0), 0);
    assert.equal(checkTimeout(12.5), 12.5);
  });

  it('checkTimeout rejects negative, NaN and non-numbers, naming the parameter', () => {
    assert.throws(
      () => checkTimeout(-1),
      (e: unknown) =>
        e instanceof ValueError &&
        /timeout must be a non-negative number of milliseconds, got -1/.test((e as Error).message),
    );
    assert.throws(() => checkTimeout(Number.NaN, 'delay'), /delay must be/);
    assert.throws(
      () => checkTimeout('5'),
      (e: unknown) => e instanceof ArgumentTypeError && /got string '5'/.test((e as Error).message),
    );
  });

  it('checkSignal', () => {
    const ac = new AbortController();
    assert.equal(checkSignal(ac.signal), ac.signal);
    assert.equal(checkSignal(undefined), undefined);
    assert.throws(() => checkSignal({}), /signal must be an AbortSignal, got object/);
  });

  it('checkInt', () => {
    assert.equal(checkInt(3, 'n', 1), 3);
    assert.throws(() => checkInt(0, 'n', 1), /n must be >= 1, got 0/);
    assert.throws(() => checkInt(1.5, 'n'), /n must be an integer, got 1.5/);
    assert.throws(() => checkInt('1', 'n'), ArgumentTypeError);
  });

  it('checkOptions rejects unknown keys and suggests the closest', () => {
    assert.deepEqual(checkOptions(undefined, 'options', ['a']), {});
    assert.throws(
      () => checkOptions({ maxWorker: 2 } as object, 'options', ['maxWorkers', 'initializer']),
      /options has an unknown option 'maxWorker' \(did you mean 'maxWorkers'\?\)/,
    );
    assert.throws(
      () => checkOptions({ zzz: 1 } as object, 'options', ['timeout']),
      /known: timeout/,
    );
    assert.throws(
      () => checkOptions(5 as never, 'options', []),
      /options must be an options object, got 5/,
    );
  });

  it("checkOptions names weft's name for a renamed option", () => {
    assert.throws(
      () =>
        checkOptions({ captureOutput: true } as object, 'options', ['capture'], {
          captureOutput: 'capture',
        }),
      (e: unknown) =>
        e instanceof ArgumentTypeError &&
        /unknown option 'captureOutput' \(weft calls it 'capture'\)/.test((e as Error).message),
    );
  });

  it('checkWaitOptions', () => {
    assert.deepEqual(checkWaitOptions(undefined), { timeout: undefined, signal: undefined });
    assert.deepEqual(checkWaitOptions({ timeout: 5 }), { timeout: 5, signal: undefined });
    assert.throws(() => checkWaitOptions({ timeout: -5 }), /timeout must be/);
    assert.throws(() => checkWaitOptions({ timout: 5 } as never), /did you mean 'timeout'/);
  });

  it('describe renders values for messages', () => {
    assert.equal(describeValue(new Map()), 'object Map');
    assert.equal(describeValue('x'.repeat(100)).length < 60, true);
    assert.equal(
      describeValue(() => 1),
      'function (anonymous)',
    );
  });
});
