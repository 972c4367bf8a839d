/**
 * Throws random bytes, truncated frames, oversized lengths, wrong answers and garbage after a
 * good handshake at a server for a few seconds, many connections at a time; then checks that
 * it still serves a good client and that its memory did not grow. `WEFT_FUZZ_SEED=<n>`
 * replays a run; `WEFT_FUZZ_MS` changes its length.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createChallenge } from '../../src/managers/auth.js';
import { authenticate, client, pause, RawFrames, rawSocket, serve } from './_helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const seed = Number(process.env.WEFT_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const DURATION_MS = Number(process.env.WEFT_FUZZ_MS ?? 3_000);
const PARALLEL = 16;

/** xorshift32: a reproducible stream of numbers from the seed. */
function prng(s: number): () => number {
  let x = s || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
const random = prng(seed);
const int = (n: number) => Math.floor(random() * n);
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

function header(length: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(length | 0, 0);
  return b;
}

const JUNK_REQUESTS = [
  '[1,"create","sum",[1,2],[]',
  '[1,"create","sum",{"#":"m","v":5},[]]',
  '[1,"create","sum",[{"#":"x","t":"Nope","v":""}],[]]',
  '[1,"create","sum",[{"#":"q"}],[]]',
  '[1,"call",999,"inc",[],[]]',
  '[1,"call",1,"constructor",[],[]]',
  '[1,"getvalue",42]',
  '[0,"decref",7]',
  '[1,"hello",99]',
  `[1,"create","echo",${'['.repeat(2000)}${']'.repeat(2000)},[]]`,
  '[1,"create","sum",[1,2],[0]]',
  '[1.5,"hello",1]',
  'null',
  '"#CHALLENGE#"',
];

/** One attack on a fresh connection; ends by closing it. */
async function attack(port: number): Promise<void> {
  const socket: Socket = await rawSocket({ host: '127.0.0.1', port });
  const frames = new RawFrames(socket);
  const kind = int(8);
  try {
    switch (kind) {
      case 0: // random bytes straight away
        socket.write(bytes(1 + int(2_000)));
        break;
      case 1: // a truncated frame: the header says more than ever comes
        await frames.next();
        socket.write(Buffer.concat([header(1 + int(256)), bytes(int(50))]));
        break;
      case 2: // an oversized or negative length
        await frames.next();
        socket.write(header(pick([257, 65_536, 2 ** 31 - 1, -1, -(2 ** 31), int(2 ** 31)])));
        break;
      case 3: // a wrong answer of any size up to the cap
        await frames.next();
        frames.send(bytes(int(257)));
        break;
      case 4: // a right-looking answer, then a random challenge of our own
        await frames.next();
        frames.send(Buffer.concat([Buffer.from('{sha256}'), bytes(32)]));
        frames.send(pick([createChallenge().frame, bytes(int(300))]));
        break;
      case 5: // authenticated, then garbage frames
        await authenticate(frames);
        for (let i = int(5); i >= 0; i--) frames.send(bytes(int(300)));
        break;
      case 6: // authenticated, then malformed requests
        await authenticate(frames);
        frames.send('[1,"hello",1]');
        for (let i = int(5); i >= 0; i--) frames.send(pick(JUNK_REQUESTS));
        break;
      default: // connect and leave at once, or in the middle of the challenge
        if (random() < 0.5) await frames.next();
        break;
    }
    await Promise.race([frames.next(), pause(int(100))]);
  } finally {
    socket.destroy();
  }
}

describe('managers: fuzzing the server port', () => {
  it(`survives random bytes, truncated and oversized frames (seed ${seed})`, {
    timeout: DURATION_MS + 30_000,
  }, async () => {
    await using s = await serve({ handshakeTimeout: 500, maxMessageSize: 64 * 1024 });
    // Warm up, so that what is measured is growth, not first-use allocation.
    await Promise.all(Array.from({ length: PARALLEL }, () => attack(s.address.port)));
    await pause(600);
    gc();
    const before = process.memoryUsage();

    let attacks = 0;
    const deadline = performance.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (performance.now() < deadline) {
          await attack(s.address.port).catch(() => {});
          attacks++;
        }
      }),
    );
    await using m = await client(s.address);
    assert.equal(await m.sum(1, 100), 5050, `seed ${seed}: the server stopped serving`);
    const counter = await m.Counter();
    assert.equal(await counter.inc(), 1);
    assert.equal(s.server.numberOfObjects(), 1, `seed ${seed}: objects left over from the fuzz`);

    await pause(600); // stalled handshakes time out
    gc();
    const after = process.memoryUsage();
    const grew = (k: 'heapUsed' | 'rss' | 'external') => (after[k] - before[k]) / 2 ** 20;
    const report = `seed ${seed}, ${attacks} attacks: heap ${grew('heapUsed').toFixed(1)} MB, rss ${grew('rss').toFixed(1)} MB, external ${grew('external').toFixed(1)} MB`;
    assert.ok(attacks > 100, report);
    assert.ok(grew('heapUsed') < 20, `heap grew: ${report}`);
    assert.ok(grew('external') < 20, `external memory grew: ${report}`);
    assert.ok(grew('rss') < 150, `rss grew: ${report}`);
    console.log(`# fuzz: ${report}`);
  });
});
