/**
 * The handshake against CPython's own `multiprocessing.connection`: CPython's `Client` against
 * weft's server, and weft's client against CPython's `Listener`, with the same authkey and
 * with a wrong one. Only the handshake is compatible (weft's messages after it are not
 * pickles); a weft client that reaches a CPython manager says so.
 *
 * Needs CPython 3.12 or later (the `{sha256}` handshake); set `WEFT_PYTHON` to choose one.
 * Without it the tests are skipped, loudly.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { AuthenticationError, RuntimeError } from 'weft/errors';
import { checkAuthkey } from '../../src/managers/auth.js';
import { FramedSocket } from '../../src/managers/connection.js';
import { clientHandshake } from '../../src/managers/handshake.js';
import { AUTHKEY, ClientManager, client, serve } from './_helpers.js';
import { findPython, type Python, PythonScript } from './_python.js';

const T = { timeout: 30_000 } as const;

const CLIENT = `
import sys
from multiprocessing.connection import Client
try:
    c = Client(('127.0.0.1', int(sys.argv[1])), authkey=sys.argv[2].encode())
    print('WELCOME', flush=True)
    c.close()
except Exception as e:
    print(type(e).__name__, flush=True)
`;

const LISTENER = `
import sys
from multiprocessing.connection import Listener
with Listener(('127.0.0.1', 0), authkey=sys.argv[1].encode()) as listener:
    print(listener.address[1], flush=True)
    for _ in range(int(sys.argv[2])):
        try:
            listener.accept().close()
            print('ACCEPTED', flush=True)
        except Exception as e:
            print(type(e).__name__, flush=True)
`;

const MANAGER = `
import sys
from multiprocessing.managers import BaseManager
class MathManager(BaseManager): pass
MathManager.register('sum', callable=lambda a, b: a + b)
server = MathManager(address=('127.0.0.1', 0), authkey=sys.argv[1].encode()).get_server()
print(server.address[1], flush=True)
server.serve_forever()
`;

const modern = findPython(12);
const legacy = findPython(0, 11);

function loudSkip(what: string): string | false {
  const reason = `${what} not found: set WEFT_PYTHON to a CPython of that version`;
  console.error(`\n!!! weft/managers interop tests SKIPPED: ${reason}\n`);
  return reason;
}

const skipModern = modern ? false : loudSkip('CPython >= 3.12 (the {sha256} handshake)');
const skipLegacy = legacy ? false : loudSkip('CPython <= 3.11 (the HMAC-MD5 handshake)');

/** weft's client side of the handshake alone, against `port`. */
async function weftHandshake(port: number, authkey: string): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  const conn = new FramedSocket(socket);
  try {
    await clientHandshake(conn, checkAuthkey(authkey));
  } finally {
    conn.destroy();
  }
}

const running: PythonScript[] = [];
function run(python: Python, code: string, ...args: string[]): PythonScript {
  const script = new PythonScript(python, code, args);
  running.push(script);
  return script;
}
after(() => {
  for (const s of running) s.kill();
});

describe(`managers: the handshake against CPython ${modern?.version.join('.') ?? ''}`, () => {
  it("CPython's Client authenticates with weft's server; with a wrong key it is refused", {
    ...T,
    skip: skipModern,
  }, async () => {
    await using s = await serve();
    const good = run(modern!, CLIENT, String(s.address.port), AUTHKEY);
    assert.equal(await good.line(), 'WELCOME', good.stderr);
    const bad = run(modern!, CLIENT, String(s.address.port), 'wrong');
    assert.equal(await bad.line(), 'AuthenticationError', bad.stderr);
    await using m = await client(s.address);
    assert.equal(await m.sum(1, 100), 5050, 'the server still serves weft clients');
  });

  it("weft's client authenticates with CPython's Listener; with a wrong key it is refused", {
    ...T,
    skip: skipModern,
  }, async () => {
    const listener = run(modern!, LISTENER, AUTHKEY, '2');
    const port = Number(await listener.line());
    assert.ok(port > 0, listener.stderr);
    await weftHandshake(port, AUTHKEY);
    assert.equal(await listener.line(), 'ACCEPTED');
    await assert.rejects(weftHandshake(port, 'wrong'), (e) => {
      assert.ok(e instanceof AuthenticationError);
      assert.equal(e.message, 'digest sent was rejected');
      return true;
    });
    assert.equal(await listener.line(), 'AuthenticationError');
  });

  it('a weft client that reaches a CPython manager is told the messages differ', {
    ...T,
    skip: skipModern,
  }, async () => {
    const server = run(modern!, MANAGER, AUTHKEY);
    const port = Number(await server.line());
    assert.ok(port > 0, server.stderr);
    const m = new ClientManager({ address: ['127.0.0.1', port], authkey: AUTHKEY });
    await assert.rejects(m.connect(), (e) => {
      assert.ok(e instanceof RuntimeError, String(e));
      assert.match(
        e.message,
        /sent a message weft cannot read \(it looks like a Python pickle: is it a CPython manager\?\)/,
      );
      return true;
    });
    const wrong = new ClientManager({ address: ['127.0.0.1', port], authkey: 'wrong' });
    await assert.rejects(wrong.connect(), AuthenticationError);
  });
});

describe(`managers: CPython ${legacy?.version.join('.') ?? '<= 3.11'}'s HMAC-MD5 handshake is refused`, () => {
  it('a legacy CPython client gets #FAILURE#; weft refuses a legacy Listener', {
    ...T,
    skip: skipLegacy,
  }, async () => {
    await using s = await serve();
    const old = run(legacy!, CLIENT, String(s.address.port), AUTHKEY);
    assert.equal(await old.line(), 'AuthenticationError', old.stderr);
    const listener = run(legacy!, LISTENER, AUTHKEY, '1');
    const port = Number(await listener.line());
    await assert.rejects(
      weftHandshake(port, AUTHKEY),
      /HMAC-MD5 handshake of Python 3\.11 and earlier/,
    );
  });
});
