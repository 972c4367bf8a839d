import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { AuthenticationError } from 'weft/errors';
import {
  answerChallenge,
  CHALLENGE,
  checkAuthkey,
  createChallenge,
  FAILURE,
  verifyAnswer,
  WELCOME,
} from '../../src/managers/auth.js';
import {
  AUTHKEY,
  ClientManager,
  client,
  closeTime,
  RawFrames,
  rawSocket,
  serve,
  T,
} from './_helpers.js';

const key = checkAuthkey(AUTHKEY);
const hmac = (k: Buffer, message: Buffer) => createHmac('sha256', k).update(message).digest();

/** A TCP server whose every connection runs `script` on raw frames. */
async function fakeServer(
  script: (frames: RawFrames) => Promise<void>,
): Promise<NetServer & { port: number; done: Promise<void> }> {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const server = createServer((socket: Socket) => {
    socket.on('error', () => {});
    void script(new RawFrames(socket)).finally(() => {
      socket.destroy();
      finish();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(server, { port: (server.address() as { port: number }).port, done });
}

describe('managers: authentication', () => {
  it("the challenge and the answer are CPython 3.12's bytes", T, () => {
    const { frame, message } = createChallenge();
    assert.ok(frame.subarray(0, CHALLENGE.length).equals(Buffer.from('#CHALLENGE#')));
    assert.equal(message.subarray(0, 8).toString(), '{sha256}');
    assert.equal(message.length, 8 + 40);
    assert.ok(frame.subarray(CHALLENGE.length).equals(message));
    const answer = answerChallenge(key, frame);
    assert.ok(answer.equals(Buffer.concat([Buffer.from('{sha256}'), hmac(key, message)])));
    assert.equal(verifyAnswer(key, message, answer), undefined);
    assert.equal(verifyAnswer(checkAuthkey('other'), message, answer), 'digest received was wrong');
    assert.equal(WELCOME.toString(), '#WELCOME#');
    assert.equal(FAILURE.toString(), '#FAILURE#');
  });

  it('answers the digests CPython may ask for, and never MD5', T, () => {
    const nonce = randomBytes(40);
    const sha384 = Buffer.concat([CHALLENGE, Buffer.from('{sha384}'), nonce]);
    const expected = createHmac('sha384', key).update(sha384.subarray(CHALLENGE.length)).digest();
    assert.ok(
      answerChallenge(key, sha384).equals(Buffer.concat([Buffer.from('{sha384}'), expected])),
    );
    assert.ok(
      answerChallenge(key, Buffer.concat([CHALLENGE, Buffer.from('{sha3_256}'), nonce]))
        .subarray(0, 10)
        .equals(Buffer.from('{sha3_256}')),
    );
    assert.throws(
      () => answerChallenge(key, Buffer.concat([CHALLENGE, Buffer.from('{md5}'), nonce])),
      /unsupported digest 'md5'/,
    );
    assert.throws(
      () => answerChallenge(key, Buffer.concat([CHALLENGE, randomBytes(20)])),
      (e) => e instanceof AuthenticationError && /Python 3\.11 and earlier/.test(e.message),
    );
    assert.throws(() => answerChallenge(key, Buffer.from('#HELLO#')), /expected a #CHALLENGE#/);
    assert.throws(
      () => answerChallenge(key, Buffer.concat([CHALLENGE, Buffer.from('{sha256}abc')])),
      /too short/,
    );
    const { message } = createChallenge();
    assert.match(verifyAnswer(key, message, randomBytes(16))!, /HMAC-MD5/);
    assert.match(
      verifyAnswer(key, message, Buffer.concat([Buffer.from('{md5}'), randomBytes(16)]))!,
      /uses md5, not the sha256/,
    );
    assert.match(verifyAnswer(key, message, randomBytes(40))!, /no \{digest\} prefix/);
  });

  it(
    'a wrong authkey: the client gets AuthenticationError and the server serves others',
    T,
    async () => {
      await using s = await serve();
      const wrong = Array.from(
        { length: 5 },
        () => new ClientManager({ address: s.address, authkey: 'wrong' }),
      );
      const results = await Promise.allSettled(wrong.map((m) => m.connect()));
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        const e = (r as PromiseRejectedResult).reason;
        assert.ok(e instanceof AuthenticationError, String(e));
        assert.match(
          e.message,
          /authentication with the manager at 127\.0\.0\.1:\d+ failed: digest sent was rejected/,
        );
      }
      await using good = await client(s.address);
      assert.equal(await good.sum(1, 100), 5050);
    },
  );

  it(
    'the server sends #FAILURE# to a wrong answer and closes without reading further',
    T,
    async () => {
      await using s = await serve();
      const frames = new RawFrames(await rawSocket(s.address));
      const challenge = (await frames.next())!;
      assert.ok(challenge.subarray(0, 19).equals(Buffer.from('#CHALLENGE#{sha256}')));
      assert.equal(challenge.length, 19 + 40);
      frames.send(Buffer.concat([Buffer.from('{sha256}'), randomBytes(32)]));
      assert.deepEqual(await frames.next(), FAILURE);
      assert.equal(await frames.next(), undefined, 'closed');
    },
  );

  it('the server refuses the HMAC-MD5 answer of Python 3.11 clients', T, async () => {
    await using s = await serve();
    const frames = new RawFrames(await rawSocket(s.address));
    const challenge = (await frames.next())!;
    const message = challenge.subarray(CHALLENGE.length);
    frames.send(createHmac('md5', key).update(message).digest());
    assert.deepEqual(await frames.next(), FAILURE);
  });

  it(
    'authentication runs both ways: a server without the key is refused by the client',
    T,
    async () => {
      // It welcomes any answer, then cannot answer the client's challenge.
      let verdict: Buffer | undefined;
      const impostor = await fakeServer(async (frames) => {
        frames.send(createChallenge().frame);
        await frames.next();
        frames.send(WELCOME);
        const theirs = (await frames.next())!;
        frames.send(answerChallenge(checkAuthkey('not the key'), theirs));
        verdict = await frames.next();
      });
      try {
        const m = new ClientManager({ address: ['127.0.0.1', impostor.port], authkey: AUTHKEY });
        await assert.rejects(m.connect(), (e) => {
          assert.ok(e instanceof AuthenticationError);
          assert.match(e.message, /failed: digest received was wrong/);
          return true;
        });
        await impostor.done;
        assert.deepEqual(verdict, FAILURE, 'the client told the server it failed');
      } finally {
        impostor.close();
      }
    },
  );

  it(
    'the client refuses a legacy (Python 3.11) challenge and a server that closes mid-handshake',
    T,
    async () => {
      const legacy = await fakeServer(async (frames) => {
        frames.send(Buffer.concat([CHALLENGE, randomBytes(20)]));
        await frames.next();
      });
      const closer = await fakeServer(async (frames) => {
        frames.send(createChallenge().frame);
        await frames.next();
      });
      try {
        const a = new ClientManager({ address: ['127.0.0.1', legacy.port], authkey: AUTHKEY });
        await assert.rejects(a.connect(), /HMAC-MD5 handshake of Python 3\.11 and earlier/);
        const b = new ClientManager({ address: ['127.0.0.1', closer.port], authkey: AUTHKEY });
        await assert.rejects(b.connect(), (e) => {
          assert.ok(e instanceof AuthenticationError);
          assert.match(e.message, /closed the connection during the authentication handshake/);
          return true;
        });
      } finally {
        legacy.close();
        closer.close();
      }
    },
  );

  it('a server refused by the client (it answers #FAILURE#) drops the connection', T, async () => {
    await using s = await serve();
    const frames = new RawFrames(await rawSocket(s.address));
    const challenge = (await frames.next())!;
    frames.send(answerChallenge(key, challenge));
    assert.deepEqual(await frames.next(), WELCOME);
    const mine = createChallenge();
    frames.send(mine.frame);
    const answer = (await frames.next())!;
    assert.equal(verifyAnswer(key, mine.message, answer), undefined, 'the server proved it');
    frames.send(FAILURE);
    const ms = await closeTime(frames.socket);
    assert.ok(ms < 2_000);
  });

  it('a peer stalled mid-handshake does not hold up others', T, async () => {
    await using s = await serve({ handshakeTimeout: 5_000 });
    const stalled = await Promise.all(Array.from({ length: 20 }, () => rawSocket(s.address)));
    await using m = await client(s.address);
    assert.equal(await m.sum(1, 2), 3);
    for (const socket of stalled) socket.destroy();
  });
});
