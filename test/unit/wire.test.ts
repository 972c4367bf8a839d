import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeItems, encodeValue, WireReader, WireWriter } from '../../src/_internal/wire.js';

const hooks = {
  encodeFunction: () => ({}),
  encodeError: (e: unknown) => ({ message: String(e) }),
};
const readHooks = { decodeFunction: (r: unknown) => r, decodeError: (e: unknown) => e };

/** Encodes `value`, copies the bytes to `shift` bytes into a fresh buffer (any alignment), reads it back. */
function roundTrip(value: unknown, shift = 0): unknown {
  const w = new WireWriter();
  encodeValue(w, value, hooks);
  const buf = Buffer.alloc(w.pos + shift);
  w.buf.copy(buf, shift, 0, w.pos);
  const r = new WireReader(buf);
  r.pos = shift;
  const out = r.read(readHooks);
  assert.equal(r.pos, w.pos + shift, 'reads exactly what was written');
  return out;
}

describe('wire', () => {
  it('arrays of numbers cross as blocks, at any alignment, exactly', () => {
    const ints = Array.from({ length: 1000 }, (_, i) => (i % 2 ? -i : i * 1000));
    const floats = [1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40, 0, 3, 4, 5, 6];
    const edge = [2 ** 31 - 1, -(2 ** 31), 2 ** 31, 0, 1, 2, 3, 4, 5];
    for (const shift of [0, 1, 2, 3, 5, 7]) {
      assert.deepEqual(roundTrip(ints, shift), ints);
      const f = roundTrip(floats, shift) as number[];
      assert.ok(Object.is(f[1], -0), '-0 stays -0');
      assert.ok(Number.isNaN(f[2]));
      assert.deepEqual(f, floats);
      assert.deepEqual(roundTrip(edge, shift), edge);
    }
  });

  it('arrays that are not all numbers, short ones and holes keep the element-wise form', () => {
    const mixed = [1, 2, 3, 4, 5, 6, 7, 8, 'nine', 10];
    assert.deepEqual(roundTrip(mixed), mixed);
    assert.deepEqual(roundTrip([1, 2, 3]), [1, 2, 3]);
    const holey = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    delete holey[4];
    const back = roundTrip(holey) as number[];
    assert.equal(4 in back, false);
    assert.equal(back.length, 9);
    assert.deepEqual(roundTrip([[1, 2, 3, 4, 5, 6, 7, 8, 9]]), [[1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    assert.deepEqual(roundTrip({ xs: Array(20).fill(0.5) }), { xs: Array(20).fill(0.5) });
  });

  it('encodeItems writes a range as encodeValue writes its slice', () => {
    const items = [...Array.from({ length: 50 }, (_, i) => i), 'x', { a: 1 }, 2.5];
    for (const [from, to] of [
      [0, 10],
      [10, 50],
      [45, 53],
      [50, 53],
      [7, 7],
    ] as const) {
      const a = new WireWriter();
      encodeItems(a, items, from, to, hooks);
      const b = new WireWriter();
      encodeValue(b, items.slice(from, to), hooks);
      assert.deepEqual(a.buf.subarray(0, a.pos), b.buf.subarray(0, b.pos));
    }
  });
});
