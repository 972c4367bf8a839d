import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { RemoteError, RuntimeError, TimeoutError } from 'weft/errors';
import { BaseProxy } from 'weft/managers';
import { client, pause, serve, T } from './_helpers.js';

describe('managers: proxies', () => {
  it(
    'an object with methods comes back as a proxy whose methods run on the server',
    T,
    async () => {
      await using s = await serve();
      await using m = await client(s.address);
      const counter = await m.Counter(10);
      assert.ok(counter instanceof BaseProxy);
      assert.equal(counter.constructor.name, 'AutoProxy[Counter]');
      assert.deepEqual([...counter._exposed].sort(), ['add', 'fail', 'inc', 'incLater', 'reset']);
      assert.equal(await counter.inc(), 11);
      assert.equal(await counter.inc(5), 16);
      assert.equal(await counter.incLater(4, 20), 20, 'async methods are awaited');
      assert.equal(await counter._callmethod('inc', [2]), 22);
      assert.deepEqual(await counter._getvalue(), { n: 22 });
      assert.deepEqual(counter._token, { typeid: 'Counter', address: s.address, id: 1 });
      assert.match(
        String(counter),
        /^<AutoProxy\[Counter\] object, typeid 'Counter' at 127\.0\.0\.1:\d+ #1>$/,
      );
      assert.equal(inspect(counter), String(counter));
      assert.equal(typeof (counter as any).then, 'undefined', 'a proxy is never a thenable');
    },
  );

  it('each proxy has its own referent; two proxies of one typeid share a class', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const [a, b] = await Promise.all([m.Counter(), m.Counter(100)]);
    await a.inc();
    assert.equal(await b.inc(), 101);
    assert.equal(await a.inc(), 2);
    assert.equal(a.constructor, b.constructor);
    assert.equal(s.server.numberOfObjects(), 2);
  });

  it('only exposed methods can be called: the default is the public methods', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const counter = await m.Counter();
    await assert.rejects(counter._callmethod('_hidden'), (e) => {
      assert.ok(e instanceof RemoteError);
      assert.equal(
        e.message,
        "method '_hidden' of Counter object is not exposed (exposed: inc, incLater, reset, fail, add)",
      );
      return true;
    });
    await assert.rejects(counter._callmethod('constructor'), RemoteError);
    await assert.rejects(counter._callmethod('__proto__'), RemoteError);
    await assert.rejects(counter._callmethod('toString'), RemoteError);

    const limited = await m.LimitedCounter();
    assert.deepEqual(limited._exposed, ['inc']);
    assert.equal((limited as any).reset, undefined);
    assert.equal(await limited.inc(), 1);
    await assert.rejects(
      limited._callmethod('reset'),
      /method 'reset' of LimitedCounter object is not exposed \(exposed: inc\)/,
    );
  });

  it('`exposed` makes even plain data a proxy; plain data is otherwise a copy', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const plain = await m.PlainCounter();
    assert.ok(plain instanceof BaseProxy);
    assert.deepEqual(plain._exposed, []);
    assert.deepEqual(await plain._getvalue(), { n: 1 });
    assert.deepEqual(await m.echo({ n: 1 }), [{ n: 1 }]);
  });

  it("a method's exception arrives as its class, message and remote stack", T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const counter = await m.Counter();
    await assert.rejects(counter.fail('too far'), (e) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, 'too far');
      assert.match(e.stack!, /at Counter\.fail/);
      return true;
    });
    assert.equal(await counter.inc(), 1, 'the proxy still works');
  });

  it('methodToTypeid: that method returns a proxy of the given typeid', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const family = await m.Family();
    assert.deepEqual(family._exposed, ['child']);
    const child = await family.child();
    assert.ok(child instanceof BaseProxy);
    assert.equal(child._token.typeid, 'Counter');
    assert.equal(await child.inc(3), 3);
  });

  it('a proxy passed as an argument reaches the server as its referent', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const [a, b] = await Promise.all([m.Counter(2), m.Counter(40)]);
    assert.equal(await a.add(b), 42);
    const box = await m.Box(a);
    assert.equal((await box._getvalue()).value.n, 2, 'the box holds the Counter itself');

    await using other = await client(s.address);
    const foreign = await other.Counter(1);
    await assert.rejects(
      a.add(foreign),
      /argument 0 of Counter\.add\(\) is a proxy held by another manager connection/,
    );
  });

  it('_close() and `using` release the referent; a closed proxy refuses calls', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const counter = await m.Counter();
    {
      using scoped = await m.Counter();
      await scoped.inc();
      assert.equal(s.server.numberOfObjects(), 2);
    }
    await m.sum(1, 1); // the release went before this call's reply
    assert.equal(s.server.numberOfObjects(), 1);
    counter._close();
    counter._close();
    await m.sum(1, 1);
    assert.equal(s.server.numberOfObjects(), 0);
    await assert.rejects(counter.inc(), (e) => {
      assert.ok(e instanceof RuntimeError);
      assert.match(e.message, /Counter\.inc\(\): the proxy of Counter was closed/);
      return true;
    });
    await assert.rejects(counter._getvalue(), RuntimeError);
  });

  it('a client that goes away leaves no objects behind on the server', T, async () => {
    await using s = await serve();
    const m = await client(s.address);
    await m.Counter();
    await m.Counter();
    assert.equal(s.server.numberOfObjects(), 2);
    await m.shutdown();
    for (let i = 0; i < 50 && s.server.numberOfObjects() > 0; i++) await pause(10);
    assert.equal(s.server.numberOfObjects(), 0);
  });

  it(
    '_callmethod takes a timeout and a signal; the reply that comes late is dropped',
    T,
    async () => {
      await using s = await serve();
      await using m = await client(s.address);
      const counter = await m.Counter();
      await assert.rejects(counter._callmethod('incLater', [1, 300], { timeout: 20 }), (e) => {
        assert.ok(e instanceof TimeoutError);
        assert.match(e.message, /Counter\.incLater\(\) did not answer within 20 ms/);
        return true;
      });
      const ac = new AbortController();
      const aborted = counter._callmethod('incLater', [1, 300], { signal: ac.signal });
      ac.abort(new Error('stop'));
      await assert.rejects(aborted, /stop/);
      await pause(350);
      assert.equal(await counter.inc(), 3, 'both calls still ran on the server');
      assert.throws(
        () => counter._callmethod('inc', [], { timeuot: 1 } as never),
        /did you mean 'timeout'/,
      );
    },
  );
});
