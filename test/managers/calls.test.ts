import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTask } from 'weft/asyncio';
import {
  ArgumentTypeError,
  CancelledError,
  RemoteError,
  RuntimeError,
  ValueError,
  WeftError,
} from 'weft/errors';
import { BaseManager } from 'weft/managers';
import { AUTHKEY, ClientManager, client, ParseError, serve, T } from './_helpers.js';

describe('managers: calling registered callables', () => {
  it('a registered typeid is a method of the manager: sum(1, 100) is 5050', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    assert.equal(await m.sum(1, 100), 5050);
    assert.equal(await m.sum(1, 10), 55);
  });

  it('the address may be a [host, port] pair and the authkey a Buffer', T, async () => {
    await using s = await serve();
    await using m = new ClientManager({
      address: [s.address.host, s.address.port],
      authkey: Buffer.from(AUTHKEY),
    });
    await m.connect();
    assert.equal(await m.sum(1, 4), 10);
    assert.deepEqual(m.address, s.address);
  });

  it('async callables are awaited; calls run concurrently over one connection', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const t0 = performance.now();
    const results = await Promise.all([
      m.later('slow', 150),
      m.later('fast', 10),
      m.sum(1, 3),
      m.later({ a: [1] }, 50),
    ]);
    assert.deepEqual(results, ['slow', 'fast', 6, { a: [1] }]);
    assert.ok(performance.now() - t0 < 1000, 'the calls did not overlap');
    const many = await Promise.all(Array.from({ length: 500 }, (_, i) => m.sum(0, i)));
    assert.deepEqual(
      many,
      Array.from({ length: 500 }, (_, i) => (i * (i + 1)) / 2),
    );
  });

  it('inside an asyncio Task, a call stops waiting when the task is cancelled', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    const task = createTask(() => m.later('late', 300));
    setTimeout(() => task.cancel('enough'), 20);
    await assert.rejects(Promise.resolve(task), (e) => e instanceof CancelledError);
    assert.equal(await m.sum(1, 2), 3, 'the connection is still good');
  });

  it(
    'values cross with their types: Map, Set, Date, bigint, Buffer, undefined, NaN, -0',
    T,
    async () => {
      await using s = await serve();
      await using m = await client(s.address);
      const sent = [
        new Map<unknown, unknown>([
          ['a', 1],
          [2, new Set(['x'])],
        ]),
        new Date(1_700_000_000_000),
        12345678901234567890n,
        Buffer.from('hi'),
        new Float64Array([1.5, -2]),
        undefined,
        Number.NaN,
        -0,
        Number.NEGATIVE_INFINITY,
        { '#': 'not a tag', nested: { __proto__: 'x' } },
        [1, undefined, null],
        'unicode: 任务 ✓',
      ];
      const back = await m.echo(...sent);
      assert.deepEqual(back, sent);
      assert.ok(Buffer.isBuffer(back[3]));
      assert.ok(back[4] instanceof Float64Array);
      assert.ok(Object.is(back[7], -0));
      assert.equal(Object.getPrototypeOf(back[9]), Object.prototype);
    },
  );

  it(
    'an error raised by the callable arrives with its class name, message and remote stack',
    T,
    async () => {
      await using s = await serve();
      await using m = await client(s.address);
      const err = await m.parse('{oops').catch((e: unknown) => e as Error & { line?: number });
      assert.equal(err.name, 'ParseError');
      assert.equal(err.constructor.name, 'ParseError');
      assert.equal(err.message, 'cannot parse "{oops"');
      assert.equal(err.line, 7, 'own properties come along');
      assert.match(err.stack!, /ParseError: cannot parse/);
      assert.match(err.stack!, /_helpers\.js/, 'the stack is the server side one');
      assert.ok(!(err instanceof ParseError), 'a rebuilt class of the same name, not the original');
      await assert.rejects(m.throwString(), (e) => e === 'a bare string');
    },
  );

  it("weft's own errors and built-in ones keep their class", T, async () => {
    class ErrorsServed extends BaseManager {}
    ErrorsServed.register('weft', () => {
      throw new ValueError('value must be positive');
    });
    ErrorsServed.register('builtin', () => {
      throw new TypeError('not a number');
    });
    await using s = await serve({}, ErrorsServed);
    class ErrorsClient extends BaseManager {
      declare weft: () => Promise<void>;
      declare builtin: () => Promise<void>;
    }
    ErrorsClient.register('weft');
    ErrorsClient.register('builtin');
    await using m = new ErrorsClient({ address: s.address, authkey: AUTHKEY });
    await m.connect();
    await assert.rejects(m.weft(), (e) => e instanceof ValueError && e instanceof RangeError);
    await assert.rejects(
      m.builtin(),
      (e) => e instanceof TypeError && e.message === 'not a number',
    );
  });

  it(
    'a typeid the server does not know, or a result that cannot cross, is a RemoteError',
    T,
    async () => {
      await using s = await serve();
      await using m = await client(s.address);
      await assert.rejects(m.notOnServer(), (e) => {
        assert.ok(e instanceof RemoteError && e instanceof WeftError);
        assert.equal(e.code, 'ERR_WEFT_REMOTE');
        assert.match(e.message, /typeid 'notOnServer' is not registered on the server/);
        return true;
      });
      await assert.rejects(m.unsendable(), (e) => {
        assert.ok(e instanceof RemoteError);
        assert.match(e.message, /value\.self \(the result of unsendable\(\)\).*circular/);
        return true;
      });
      assert.equal(await m.sum(1, 2), 3, 'the connection still works');
    },
  );

  it('arguments that cannot cross are refused at the call, naming where', T, async () => {
    await using s = await serve();
    await using m = await client(s.address);
    await assert.rejects(m.echo(1, { f: () => 1 }), (e) => {
      assert.ok(e instanceof ArgumentTypeError);
      assert.match(e.message, /^args\[1\]\.f of echo\(\) cannot cross .*function f/);
      return true;
    });
    await assert.rejects(m.echo(Symbol('s')), ArgumentTypeError);
    assert.equal(await m.sum(2, 2), 2);
  });

  it('calls before connect() or after shutdown() are refused', T, async () => {
    await using s = await serve();
    const m = new ClientManager({ address: s.address, authkey: AUTHKEY });
    await assert.rejects(m.sum(1, 2), (e) => {
      assert.ok(e instanceof RuntimeError);
      assert.match(e.message, /sum\(\): the manager is not connected; call connect\(\) first/);
      return true;
    });
    await m.connect();
    await m.shutdown();
    await assert.rejects(m.sum(1, 2), /sum\(\): the manager was shut down/);
    await assert.rejects(m.connect(), /the manager was shut down/);
  });

  it(
    'messages over maxMessageSize are refused: the request at the client, the reply at the server',
    T,
    async () => {
      await using s = await serve({ maxMessageSize: 4096 });
      await using m = await client(s.address, { maxMessageSize: 4096 });
      await assert.rejects(m.echo('y'.repeat(5000)), (e) => {
        assert.ok(e instanceof ValueError);
        assert.match(e.message, /the request for echo\(\) is \d+ bytes, over maxMessageSize 4096/);
        return true;
      });
      await assert.rejects(m.big(5000), (e) => {
        assert.ok(e instanceof RemoteError);
        assert.match(e.message, /over the server's maxMessageSize of 4096/);
        return true;
      });
      assert.equal((await m.big(100)).length, 100);
    },
  );
});
