import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, IndexError } from 'weft/errors';
import { Lock, RawArray, RawValue, revive, Array as SharedArray, Value } from 'weft/threading';

describe('Value / RawValue', () => {
  it('holds typed values by type code and by name', () => {
    assert.equal(new Value('i', 7).value, 7);
    assert.equal(new Value('int32').value, 0);
    assert.equal(new Value('d', 1.5).value, 1.5);
    assert.equal(new Value('q', 5n).value, 5n);
    assert.equal(new Value('?', true).value, true);
    assert.equal(new Value('c', 'x').value, 'x');
    const v = new Value('b', 0);
    v.value = 130 as never;
    assert.equal(v.value, -126, 'int8 wraps like C');
    assert.throws(
      () => new Value('z' as never),
      (e: unknown) =>
        e instanceof ArgumentTypeError && /type must be a type code/.test((e as Error).message),
    );
    assert.throws(() => {
      new Value('i').value = 'x' as never;
    }, /value must be a number/);
  });

  it('getLock guards read-modify-write; lock:false has none; a given lock is shared', () => {
    const v = new Value('i', 0);
    {
      using _ = v.getLock().acquireSync();
      v.value += 1; // the lock is reentrant
    }
    assert.equal(v.value, 1);
    assert.throws(() => new Value('i', 0, { lock: false }).getLock(), /lock: false/);
    const l = new Lock();
    assert.equal(new Value('i', 0, { lock: l }).getLock(), l);
    const r = new RawValue('d', 2);
    r.value *= 2;
    assert.equal(r.value, 4);
  });

  it('crosses threads as the same memory', () => {
    const v = new Value('i', 1);
    const copy = revive(structuredClone({ v })).v as Value<'i'>;
    assert.equal(copy, v, 'reviving in the same thread gives the same object');
  });
});

describe('Array / RawArray', () => {
  it('indexes, iterates, bounds-checks', () => {
    const a = new SharedArray('i', [1, 2, 3]);
    a[0] = 10;
    a.set(-1, 30);
    assert.deepEqual([...a], [10, 2, 30]);
    assert.equal(a.length, 3);
    assert.equal(a.get(-2), 2);
    assert.throws(() => a.get(3), IndexError);
    assert.throws(() => a[7], IndexError);
    assert.deepEqual(new SharedArray('d', 2).toArray(), [0, 0]);
    assert.ok(a.getObj() instanceof Int32Array);
    assert.throws(() => new SharedArray('i', 'abc' as never), /sizeOrInit must be/);
    assert.throws(() => new SharedArray('i', -1), /sizeOrInit must be >= 0/);
  });

  it('RawArray is a typed array over shared memory', () => {
    const r = RawArray('d', [1.5, 2.5]);
    assert.ok(r instanceof Float64Array);
    assert.ok(r.buffer instanceof SharedArrayBuffer);
    assert.equal(RawArray('i', 4).length, 4);
  });
});
