import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeError } from 'weft/errors';
import { encodeFrame, FrameReader, FrameTooLarge } from '../../src/managers/frames.js';
import { authenticate, client, closeTime, RawFrames, rawSocket, serve, T } from './_helpers.js';

function header(length: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(length, 0);
  return b;
}

describe('managers: frames', () => {
  it('frames are a 4-byte big-endian length and the payload', T, () => {
    assert.deepEqual([...encodeFrame(Buffer.from('abc'))], [0, 0, 0, 3, 97, 98, 99]);
    assert.deepEqual([...encodeFrame(Buffer.alloc(0))], [0, 0, 0, 0]);
  });

  it('the reader cuts frames however the bytes arrive', T, () => {
    const stream = Buffer.concat([
      encodeFrame(Buffer.from('one')),
      encodeFrame(Buffer.alloc(0)),
      encodeFrame(Buffer.alloc(70_000, 7)),
      encodeFrame(Buffer.from('last')),
    ]);
    for (const step of [1, 3, 5, 64, 65_536, stream.length]) {
      const reader = new FrameReader();
      const frames: Buffer[] = [];
      for (let i = 0; i < stream.length; i += step) {
        reader.push(stream.subarray(i, i + step));
        for (let f = reader.next(1 << 20); f; f = reader.next(1 << 20)) frames.push(f);
      }
      assert.deepEqual(
        frames.map((f) => f.length),
        [3, 0, 70_000, 4],
        `step ${step}`,
      );
      assert.equal(frames[0]!.toString(), 'one');
      assert.equal(frames[3]!.toString(), 'last');
      assert.equal(reader.buffered, 0);
    }
  });

  it('a large frame in many chunks, its header split, is joined once', T, () => {
    const size = 32 * 1024 * 1024;
    const stream = encodeFrame(Buffer.alloc(size, 1));
    const reader = new FrameReader();
    const t0 = performance.now();
    reader.push(stream.subarray(0, 1));
    let frame: Buffer | undefined;
    for (let i = 1; i < stream.length; i += 65_536) {
      reader.push(stream.subarray(i, i + 65_536));
      frame ??= reader.next(size);
    }
    const ms = performance.now() - t0;
    assert.equal(frame?.length, size);
    assert.ok(ms < 2_000, `took ${ms} ms: copied again for every chunk?`);
  });

  it(
    "the reader refuses a length over its limit from the header alone, and -1 (CPython's 8-byte form)",
    T,
    () => {
      const reader = new FrameReader();
      reader.push(header(257));
      assert.throws(
        () => reader.next(256),
        (e) => e instanceof FrameTooLarge && /257 bytes is over the limit of 256/.test(e.message),
      );
      const huge = new FrameReader();
      huge.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
      assert.throws(() => huge.next(256), /over 2 GiB/);
      const split = new FrameReader();
      split.push(Buffer.from([0, 0]));
      assert.equal(split.next(256), undefined);
      split.push(Buffer.from([1, 1]));
      assert.throws(() => split.next(256), FrameTooLarge);
    },
  );

  it('during the handshake the server closes at once on a frame over 256 bytes', T, async () => {
    await using s = await serve();
    for (const length of [257, 100_000_000, -1]) {
      const frames = new RawFrames(await rawSocket(s.address));
      await frames.next();
      frames.socket.write(header(length));
      const ms = await closeTime(frames.socket);
      assert.ok(ms < 1_000, `length ${length}: closed after ${ms} ms`);
    }
    await using m = await client(s.address);
    assert.equal(await m.sum(1, 2), 3);
  });

  it('during the handshake the server closes on bytes sent ahead', T, async () => {
    await using s = await serve();
    const frames = new RawFrames(await rawSocket(s.address));
    await frames.next();
    frames.socket.write(
      Buffer.concat(Array.from({ length: 10 }, () => encodeFrame(Buffer.alloc(200)))),
    );
    assert.ok((await closeTime(frames.socket)) < 1_000);
  });

  it('after the handshake a frame over maxMessageSize closes that connection only', T, async () => {
    await using s = await serve({ maxMessageSize: 4096 });
    await using good = await client(s.address);
    const frames = new RawFrames(await rawSocket(s.address));
    await authenticate(frames);
    frames.socket.write(header(4097));
    assert.ok((await closeTime(frames.socket)) < 1_000);
    assert.equal(await good.sum(1, 10), 55);
  });

  it("a reply over the client's maxMessageSize closes the client's connection", T, async () => {
    await using s = await serve();
    await using m = await client(s.address, { maxMessageSize: 4096 });
    await assert.rejects(m.big(10_000), (e) => {
      assert.ok(e instanceof RuntimeError);
      assert.match(e.message, /closed: a frame of \d+ bytes is over the limit of 4096 bytes/);
      return true;
    });
    assert.equal(await m.sum(1, 10), 55, 'the next call reconnects');
  });

  it('a frame that is not a request closes the connection', T, async () => {
    await using s = await serve();
    for (const payload of [
      'not json',
      '{"a":1}',
      '[1]',
      '[1,"create",3,[],[]]',
      '[-1,"hello",1]',
      '[1,"call",1,"m",[1],[5]]',
    ]) {
      const frames = new RawFrames(await rawSocket(s.address));
      await authenticate(frames);
      frames.send(payload);
      assert.equal(await frames.next(), undefined, payload);
    }
  });
});
