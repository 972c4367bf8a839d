import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, ValueError } from 'weft/errors';
import { encodeMessage, parseReply, parseRequest } from '../../src/managers/messages.js';
import { fromWire, toWire } from '../../src/managers/values.js';
import { T } from './_helpers.js';

const roundTrip = (v: unknown) => fromWire(JSON.parse(JSON.stringify(toWire(v, 'v', 'here'))));

describe('managers: values on the wire', () => {
  it('JSON values cross as themselves, with no tags', T, () => {
    const v = { a: [1, 'two', true, null, { b: 2.5 }], s: '' };
    assert.deepEqual(toWire(v, 'v', 'here'), v);
    assert.deepEqual(roundTrip(v), v);
  });

  it('what JSON lacks crosses tagged, and comes back as itself', T, () => {
    const values: unknown[] = [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      -(2n ** 80n),
      new Date(0),
      /a+b\//gi,
      new Map([[{ k: 1 }, new Set([1])]]),
      new Uint8Array([1, 2, 3]),
      new Int32Array([-1, 5]),
      new BigUint64Array([2n ** 63n]),
      new Uint8Array([9, 8, 7, 6]).subarray(1, 3),
      Buffer.from('buf'),
      new ArrayBuffer(3),
      [undefined, null, 1],
      { '#': 'u', other: 1 },
      { nested: { '#': ['x'] } },
    ];
    for (const v of values) assert.deepEqual(roundTrip(v), v);
    assert.ok(Number.isNaN((roundTrip(new Date(Number.NaN)) as Date).getTime()));
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is tested
    assert.deepEqual(roundTrip([1, , 3]), [1, undefined, 3], 'a hole comes back undefined');
    const err = roundTrip(new RangeError('r', { cause: new Error('c') })) as Error;
    assert.ok(err instanceof RangeError);
    assert.equal((err.cause as Error).message, 'c');
    assert.ok(roundTrip(new ValueError('x')) instanceof ValueError);
    const forged = fromWire(
      JSON.parse(
        '{"#":"e","v":{"$weftError":1,"name":"Error","message":"m","props":{"__proto__":{"x":1},"y":2}}}',
      ),
    ) as Error & { y?: number };
    assert.equal(Object.getPrototypeOf(forged), Error.prototype, 'props cannot set the prototype');
    assert.equal(forged.y, 2);
  });

  it('objects cross as their own enumerable properties, after toJSON', T, () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      norm() {
        return Math.hypot(this.x, this.y);
      }
    }
    assert.deepEqual(roundTrip(new Point(1, 2)), { x: 1, y: 2 });
    assert.deepEqual(roundTrip({ toJSON: () => 'custom' }), 'custom');
    const withProto = JSON.parse('{"__proto__": {"polluted": true}}');
    const back = roundTrip(withProto) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(Object.keys(back), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('functions, symbols, cycles and deep nesting are refused, naming where', T, () => {
    const loop: Record<string, unknown> = {};
    loop.me = [loop];
    const cases: [unknown, RegExp][] = [
      [() => 1, /^v here cannot cross to the other side: it is function/],
      [{ a: [1, { f() {} }] }, /^v\.a\[1\]\.f here .*function f/],
      [[Symbol('s')], /^v\[0\] here .*Symbol\(s\)/],
      [loop, /^v\.me\[0\] here .*a circular reference/],
      [new WeakMap(), /object WeakMap/],
      [{ p: Promise.resolve(1) }, /^v\.p here .*a Promise \(await it first\)/],
      [new DataView(new ArrayBuffer(1)), /object DataView/],
    ];
    for (const [value, message] of cases)
      assert.throws(
        () => toWire(value, 'v', 'here'),
        (e) => e instanceof ArgumentTypeError && message.test(e.message),
      );
    let deep: unknown = 1;
    for (let i = 0; i < 600; i++) deep = [deep];
    assert.throws(() => toWire(deep, 'v', 'here'), /nested over 512 deep/);
    const parsedDeep = JSON.parse(`${'['.repeat(600)}${']'.repeat(600)}`);
    assert.throws(() => fromWire(parsedDeep), SyntaxError);
  });

  it('malformed tags are refused when read', T, () => {
    for (const text of [
      '{"#":"zz"}',
      '{"#":"n","v":"12"}',
      '{"#":"b","v":"1e5"}',
      '{"#":"d","v":"today"}',
      '{"#":"m","v":[[1]]}',
      '{"#":"s","v":1}',
      '{"#":"x","t":"Function","v":""}',
      '{"#":"o","v":[1]}',
    ])
      assert.throws(() => fromWire(JSON.parse(text)), SyntaxError, text);
  });

  it('requests and replies are checked field by field', T, () => {
    const req = parseRequest(encodeMessage([3, 'call', 1, 'inc', [{ '#': 'u' }], []]));
    assert.deepEqual(req, {
      id: 3,
      op: 'call',
      ref: 1,
      method: 'inc',
      args: [undefined],
      proxied: [],
    });
    assert.deepEqual(parseRequest(encodeMessage([0, 'decref', 4])), {
      id: 0,
      op: 'decref',
      ref: 4,
    });
    for (const bad of [
      [1, 'nope'],
      [1, 'create', 5, [], []],
      [1, 'create', 't', {}, []],
      [2 ** 31, 'hello', 1],
      [1, 'call', 1, 'm', [], ['0']],
    ])
      assert.throws(() => parseRequest(encodeMessage(bad)), SyntaxError, JSON.stringify(bad));
    assert.deepEqual(parseReply(encodeMessage([1, 'proxy', 2, 'T', ['a']])), {
      id: 1,
      kind: 'proxy',
      ref: 2,
      typeid: 'T',
      exposed: ['a'],
    });
    assert.throws(() => parseReply(encodeMessage([1, 'proxy', 2, 'T', [1]])), SyntaxError);
    assert.throws(() => parseReply(Buffer.from([0x80, 0x04, 0x95])), SyntaxError);
  });
});
