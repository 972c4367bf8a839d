import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { RuntimeError, TimeoutError } from 'weft/errors';
import { BaseManager } from 'weft/managers';
import { checkAuthkey } from '../../src/managers/auth.js';
import { ClientConnection } from '../../src/managers/client.js';
import {
  AUTHKEY,
  ClientManager,
  client,
  closeTime,
  pause,
  rawSocket,
  ServedManager,
  serve,
  T,
} from './_helpers.js';

describe('managers: lifecycle', () => {
  it('serveForever() settles once the server shuts down; shutdown() is idempotent', T, async () => {
    const s = await serve();
    let settled = false;
    void s.served.then(() => (settled = true));
    assert.throws(() => s.server.serveForever(), /serveForever\(\) is already running/);
    await pause(20);
    assert.equal(settled, false);
    const a = s.server.shutdown();
    assert.equal(s.server.shutdown(), a);
    await a;
    await s.served;
    assert.equal(settled, true);
    assert.throws(
      () => s.server.serveForever(),
      (e) => e instanceof RuntimeError,
    );
  });

  it('`await using` shuts the server and the manager down at the end of the scope', T, async () => {
    let served: Promise<void>;
    let m: ClientManager;
    {
      await using s = await serve();
      served = s.served;
      await using scoped = await client(s.address);
      m = scoped;
      assert.equal(await m.sum(1, 2), 3);
    }
    await served;
    await assert.rejects(m.sum(1, 2), /the manager was shut down/);
  });

  it('a signal stops serveForever()', T, async () => {
    const manager = new ServedManager({ address: ['127.0.0.1', 0], authkey: AUTHKEY });
    const server = await manager.getServer();
    const ac = new AbortController();
    const served = server.serveForever({ signal: ac.signal });
    await using m = await client(server.address);
    assert.equal(await m.sum(1, 1), 1);
    ac.abort();
    await served;
    await assert.rejects(m.sum(1, 1), /connection to the manager at 127\.0\.0\.1:\d+ closed/);
  });

  it('a client that connects before serveForever() waits for it', T, async () => {
    const manager = new ServedManager({ address: ['127.0.0.1', 0], authkey: AUTHKEY });
    await using server = await manager.getServer();
    const m = new ClientManager({ address: server.address, authkey: AUTHKEY });
    let connected = false;
    const connecting = m.connect().then(() => (connected = true));
    await pause(50);
    assert.equal(connected, false);
    void server.serveForever();
    await connecting;
    assert.equal(await m.sum(1, 3), 6);
    await m.shutdown();
  });

  it(
    'calls waiting when the server stops reject; the next call tries to reconnect',
    T,
    async () => {
      await using s = await serve();
      await using m = await client(s.address);
      const waiting = m.later('x', 1_000);
      await pause(20);
      await s.server.shutdown();
      await assert.rejects(waiting, (e) => {
        assert.ok(e instanceof RuntimeError);
        assert.match(e.message, /the connection to the manager at 127\.0\.0\.1:\d+ closed/);
        return true;
      });
      await assert.rejects(m.sum(1, 2), /ECONNREFUSED/);
    },
  );

  it('an authenticated client may ask the server to shut down', T, async () => {
    const s = await serve();
    const conn = await ClientConnection.open({
      address: s.address,
      authkey: checkAuthkey(AUTHKEY),
      maxMessageSize: 1 << 20,
      timeout: 5_000,
      signal: undefined,
    });
    assert.equal(await conn.call((id) => [id, 'shutdown'], 'shutdown'), null);
    await s.served;
  });

  it(
    'idleTimeout closes a quiet connection; the next call reconnects, its proxies are gone',
    T,
    async () => {
      await using s = await serve({ idleTimeout: 100 });
      await using m = await client(s.address);
      const counter = await m.Counter();
      assert.equal(await m.later('kept', 250), 'kept', 'a running call is not idle');
      await pause(300);
      assert.equal(s.server.numberOfObjects(), 0);
      assert.equal(await m.sum(1, 4), 10);
      await assert.rejects(counter.inc(), /closed/);
    },
  );

  it('connect() fails with the reason: refused, timed out, aborted', T, async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as { port: number };
    await new Promise((r) => probe.close(r));
    const refused = new ClientManager({ address: ['127.0.0.1', port], authkey: AUTHKEY });
    await assert.rejects(refused.connect(), { code: 'ECONNREFUSED' });

    // A server that accepts and never says anything.
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const silentAddress = silent.address() as { port: number };
    try {
      const m = new ClientManager({
        address: ['127.0.0.1', silentAddress.port],
        authkey: AUTHKEY,
        handshakeTimeout: 100,
      });
      await assert.rejects(m.connect(), (e) => {
        assert.ok(e instanceof TimeoutError);
        assert.match(
          e.message,
          /connecting to the manager at 127\.0\.0\.1:\d+ took longer than 100 ms/,
        );
        return true;
      });
      await assert.rejects(m.connect({ signal: AbortSignal.abort(new Error('no')) }), /no/);
    } finally {
      silent.close();
    }
  });

  it(
    'getServer() is for a manager that is not connected; without an address it picks a free port',
    T,
    async () => {
      await using s = await serve();
      await using m = await client(s.address);
      await assert.rejects(m.getServer(), /the manager is connected to a server/);
      const free = new ServedManager({ authkey: AUTHKEY });
      assert.equal(free.address, undefined);
      await assert.rejects(free.connect(), /no address to connect to/);
      await using server = await free.getServer();
      assert.equal(server.address.host, '127.0.0.1');
      assert.ok(server.address.port > 0);
      assert.match(String(server), /^Server\(127\.0\.0\.1:\d+\)$/);
      await assert.rejects(
        new ServedManager({ address: server.address, authkey: AUTHKEY }).getServer(),
        { code: 'EADDRINUSE' },
      );
    },
  );

  it('a program that never shuts its manager down still exits', T, async () => {
    await using s = await serve();
    const script = new URL('./_exit_client.js', import.meta.url);
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [script.pathname, String(s.address.port), AUTHKEY],
      { timeout: 10_000 },
    );
    assert.equal(stdout.trim(), '5050');
    assert.ok(performance.now() - t0 < 10_000);
  });

  it(
    'a server turns away a peer that never starts the handshake, after handshakeTimeout',
    T,
    async () => {
      await using s = await serve({ handshakeTimeout: 150 });
      const socket = await rawSocket(s.address);
      const ms = await closeTime(socket);
      assert.ok(ms >= 100 && ms < 2_000, `closed after ${ms} ms`);
      await using m = await client(s.address);
      assert.equal(await m.sum(1, 2), 3);
    },
  );

  it('manager options are checked, naming the option', T, () => {
    assert.throws(
      () => new BaseManager({} as never),
      /options\.authkey must be a string or a Buffer, got undefined/,
    );
    assert.throws(
      () => new BaseManager({ authkey: '' }),
      /options\.authkey must be a non-empty key/,
    );
    assert.throws(() => new BaseManager({ authKey: 'x' } as never), /weft calls it 'authkey'/);
    assert.throws(
      () => new BaseManager({ authkey: 'k', address: ['h', 70000] }),
      /options\.address\.port must be <= 65535, got 70000/,
    );
    assert.throws(
      () => new BaseManager({ authkey: 'k', address: { host: 1, port: 1 } as never }),
      /options\.address\.host must be a string, got 1/,
    );
    assert.throws(
      () => new BaseManager({ authkey: 'k', maxMessageSize: 10 }),
      /options\.maxMessageSize must be >= 1024, got 10/,
    );
    assert.throws(
      () => new BaseManager({ authkey: 'k', handshakeTimeout: -1 }),
      /options\.handshakeTimeout must be a non-negative number/,
    );
    assert.throws(
      () => new BaseManager({ authkey: 'k', handshakeTimeout: 0 }),
      /options\.handshakeTimeout must be a positive number of milliseconds, or Infinity, got 0/,
    );
    assert.throws(
      () => new BaseManager({ authkey: 'k', idleTimeout: 2 ** 31 }),
      /options\.idleTimeout must be at most 2147483647 ms, or Infinity/,
    );
  });
});
