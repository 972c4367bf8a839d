import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, TimeoutError, ValueError } from 'weft/errors';
import { Queue, SimpleQueue } from 'weft/queue';
import { Event, Lock } from 'weft/threading';

function roundTrip<T>(item: T): T {
  const q = new SimpleQueue<T>();
  q.putNowait(item);
  return q.getNowait();
}

const T = { timeout: 20_000 };

describe('queue items cross by value', () => {
  it('primitives keep their exact values', T, () => {
    const values = [
      0,
      -0,
      1,
      -1,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      2 ** 53,
      0.1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MIN_VALUE,
      true,
      false,
      null,
      undefined,
      '',
      'a',
      'héllo wörld ÿ',
      '日本語',
      '😀 emoji',
      '\ud800 lone surrogate',
      'x'.repeat(10_000),
      `${'é'.repeat(5000)}日`,
      10n ** 30n,
    ];
    for (const v of values) assert.ok(Object.is(roundTrip(v), v), `round trip of ${String(v)}`);
  });

  it('arrays and plain objects, small and large, nested and with holes', T, () => {
    const holey: number[] = new Array(3);
    holey[0] = 1;
    holey[2] = 3;
    const values: unknown[] = [
      [],
      {},
      [1, 'two', null, undefined, true, [3, [4, [5, [6]]]]],
      { a: 1, b: 'x', c: { d: [1, 2, { e: null }] }, 'key with space': 0, 日本: '語' },
      Array.from({ length: 1000 }, (_, i) => i * 1.5),
      Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])),
      holey,
    ];
    for (const v of values) assert.deepEqual(roundTrip(v), v);
    assert.ok(!(1 in roundTrip(holey)), 'a hole stays a hole');
    const ownProto = JSON.parse('{"__proto__": {"polluted": true}, "b": 2}');
    const back = roundTrip(ownProto) as Record<string, unknown>;
    assert.ok(Object.hasOwn(back, '__proto__'), 'an own __proto__ key stays an own key');
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.equal(back.b, 2);
    const nullProto = Object.assign(Object.create(null), { a: 1 });
    assert.deepEqual({ ...(roundTrip(nullProto) as object) }, { a: 1 });
  });

  it(
    'structured-cloneable objects cross: Map, Set, Date, RegExp, typed arrays, Buffer, cycles',
    T,
    () => {
      const shared = { x: 1 };
      const twice = roundTrip({ p: shared, q: [shared] });
      assert.equal(twice.p, twice.q[0], 'a reference met twice arrives as one object');
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic.self = cyclic;
      const back = roundTrip(cyclic) as Record<string, unknown>;
      assert.equal(back.self, back);
      assert.deepEqual(roundTrip(new Map([[1, { a: 2 }]])), new Map([[1, { a: 2 }]]));
      assert.deepEqual(roundTrip(new Set(['a', 'b'])), new Set(['a', 'b']));
      assert.deepEqual(roundTrip(new Date(1234)), new Date(1234));
      assert.deepEqual(roundTrip(/ab+c/gi), /ab+c/gi);
      assert.deepEqual(roundTrip(new Float64Array([1.5, 2.5])), new Float64Array([1.5, 2.5]));
      assert.deepEqual([...roundTrip(Buffer.from('hi'))], [...Buffer.from('hi')]);
      const big = {
        blob: 'z'.repeat(3_000_000),
        list: Array.from({ length: 100 }, (_, i) => ({ i })),
      };
      assert.deepEqual(roundTrip(big), big);
    },
  );

  it('a copy is a copy: changing the original after put changes nothing', T, () => {
    const q = new Queue<{ n: number[] }>();
    const item = { n: [1, 2] };
    q.putNowait(item);
    item.n.push(3);
    assert.deepEqual(q.getNowait(), { n: [1, 2] });
  });

  it('errors keep their class, message, code, stack and cause', T, () => {
    const err = roundTrip(new ValueError('bad value', { cause: new TypeError('inner') }));
    assert.ok(err instanceof ValueError);
    assert.equal(err.message, 'bad value');
    assert.equal(err.code, 'ERR_WEFT_VALUE');
    assert.match(String(err.stack), /items\.test/);
    assert.ok((err.cause as Error) instanceof TypeError);
    const nested = roundTrip({ status: 'failed', error: new TimeoutError('late') });
    assert.ok(nested.error instanceof TimeoutError);
    const plain = roundTrip(Object.assign(new Error('custom'), { code: 'E_X', detail: 4 }));
    assert.equal((plain as Error & { code: string }).code, 'E_X');
    assert.equal((plain as Error & { detail: number }).detail, 4);
  });

  it(
    'an item holding shared memory is refused at put, naming its path, nothing stored',
    T,
    async () => {
      const q = new Queue<unknown>();
      const cases: [unknown, RegExp][] = [
        [{ reply: new Queue() }, /^item\.reply is a weft Queue \(#\d+\)/],
        [{ deep: { list: [1, new Lock()] } }, /^item\.deep\.list\[1\] is a weft Lock/],
        [new Event(), /^item is a weft Event/],
        [new SharedArrayBuffer(8), /^item is a SharedArrayBuffer/],
        [
          { view: new Int32Array(new SharedArrayBuffer(8)) },
          /^item\.view is an Int32Array on shared memory/,
        ],
        [
          new Map([['k', new Uint8Array(new SharedArrayBuffer(1))]]),
          /^item\.get\(k\) is a Uint8Array/,
        ],
      ];
      for (const [item, pattern] of cases) {
        assert.throws(
          () => q.putNowait(item),
          (e: unknown) =>
            e instanceof ArgumentTypeError &&
            pattern.test((e as Error).message) &&
            /pass shared objects to threads as arguments/i.test((e as Error).message),
          String(pattern),
        );
        await assert.rejects(q.put(item), ArgumentTypeError);
        assert.throws(() => q.putSync(item), ArgumentTypeError);
      }
      assert.equal(q.qsize(), 0);
      assert.equal(q.unfinishedTasks, 0);
    },
  );

  it(
    'functions, symbols and other unserializable values are refused at put, naming the path',
    T,
    async () => {
      const q = new Queue<unknown>();
      assert.throws(
        () => q.putNowait({ cb: () => 1 }),
        (e: unknown) =>
          e instanceof ArgumentTypeError &&
          /^item\.cb \(function cb\) cannot be put in a queue/.test((e as Error).message),
      );
      assert.throws(() => q.putNowait([1, Symbol('s')]), /item\[1\] \(Symbol\(s\)\)/);
      assert.throws(() => q.putNowait(new WeakMap()), /item .*cannot be put in a queue/);
      await assert.rejects(q.put({ p: Promise.resolve() }), /item\.p .*cannot be put in a queue/);
      assert.equal(q.qsize(), 0);
    },
  );

  it('the storage grows and wraps around without losing order (FIFO)', T, () => {
    const q = new Queue<unknown>();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 200; i++)
        q.putNowait(next % 7 === 0 ? { n: next++, pad: 'p'.repeat(next % 300) } : next++);
      for (let i = 0; i < 150; i++) {
        const v = q.getNowait();
        const n = typeof v === 'number' ? v : (v as { n: number }).n;
        assert.equal(n, expected++);
      }
    }
    while (!q.empty()) {
      const v = q.getNowait();
      assert.equal(typeof v === 'number' ? v : (v as { n: number }).n, expected++);
    }
    assert.equal(expected, next);
  });
});
