import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sleep } from 'weft/asyncio';
import { ThreadPoolExecutor } from 'weft/futures';
import { Event } from 'weft/threading';
import { lineServer, serving } from '../../examples/_net.js';
import { CapturedOutput, type Seed } from '../../examples/_seed.js';
import { ThreadLog } from '../../examples/_util.js';
import s60, {
  converse,
  echoServer,
  openClients,
  PRINTED,
} from '../../examples/s60_tcp_echo_server.js';
import s61, { runClients, talk } from '../../examples/s61_gevent_server.js';
import s62, { crawl, WORKERS } from '../../examples/s62_crawler.js';
import s63, { get, helloServer } from '../../examples/s63_hello_server.js';

const T = { timeout: 60_000 } as const;

/** Runs a seed's quick variant; returns its lines and its summary. */
async function runQuick(seed: Seed): Promise<{ lines: string[]; summary: string }> {
  const out = new CapturedOutput();
  const summary = await seed.run(out, { quick: true });
  return { lines: out.lines, summary };
}

/** TCP servers and sockets this process still holds. */
function tcpHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
}

/**
 * Asserts that nothing the example opened is left: no server, no socket (with 1 s of grace
 * for a client socket whose peer has just closed it).
 */
async function assertNothingOpen(): Promise<void> {
  for (let i = 0; i < 20 && tcpHandles().length; i++) await sleep(50);
  assert.deepEqual(tcpHandles(), [], 'TCP handles left open');
}

describe('server and client seed examples', () => {
  it('S60: 50 clients open at once on listen(2), every reply is data + hello', T, async () => {
    const { lines, summary } = await runQuick(s60);
    const addresses = lines.filter((l) => /^\('127\.0\.0\.1', \d+\)$/.test(l));
    assert.equal(addresses.length, PRINTED, 'the first connections print their address');
    for (let i = 0; i < PRINTED; i++) {
      for (const r of [0, 1]) assert.ok(lines.includes(`client ${i} says ${r}`), `${i}/${r}`);
    }
    assert.ok(lines.includes(`(clients ${PRINTED} … 49 talked too, without printing)`));
    assert.equal(
      lines.at(-1),
      "50 clients open at once on a listen(2) server; 100 of 100 replies were data + 'hello'",
    );
    assert.match(summary, /^50 concurrent clients on listen\(2\), all served: 100\/100 replies/);
    await assertNothingOpen();
  });

  it('S60: 300 clients open at once on listen(2), 3 rounds each, all 900 replies correct', {
    timeout: 120_000,
  }, async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const { server, stats } = echoServer(pool, new CapturedOutput(), () => false);
    const correct = await serving(
      server,
      async (port) => converse(await openClients(port, 300), 3),
      2,
    );
    assert.equal(stats.mostOpen, 300, 'all 300 connections were open at once');
    assert.equal(correct, 900);
    assert.equal(stats.answered, 900);
    await assertNothingOpen();
  });

  it('S60: a burst of 300 simultaneous connects (default backlog), all replies correct', {
    timeout: 120_000,
  }, async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const { server, stats } = echoServer(pool, new CapturedOutput(), () => false);
    const correct = await serving(server, async (port) =>
      converse(await openClients(port, 300, true), 3),
    );
    assert.equal(correct, 900);
    assert.equal(stats.answered, 900);
    assert.ok(stats.mostOpen > 2, `at most ${stats.mostOpen} open at once`);
    await assertNothingOpen();
  });

  it('S61: 10 client threads each get their messages back in upper case', T, async () => {
    const { lines, summary } = await runQuick(s61);
    const replies = lines.filter((l) => l.startsWith("b'"));
    assert.equal(replies.length, 20);
    const names = new Map<string, number>();
    for (const r of replies) {
      const m = /^b'(THREAD-\d+ \(SOCKETCLIENT\)) SAY HELLO'$/.exec(r);
      assert.ok(m, r);
      names.set(m[1]!, (names.get(m[1]!) ?? 0) + 1);
    }
    assert.equal(names.size, 10, `ten threads: ${[...names.keys()]}`);
    for (const [name, n] of names) assert.equal(n, 2, name);
    assert.equal(
      lines.at(-1),
      '10 client threads connected at once; 20 of 20 messages answered in upper case',
    );
    assert.match(summary, /^10 client threads \(Thread-\d+ \(socketClient\) …\)/);
    await assertNothingOpen();
  });

  it(
    'S61: each thread hears its own name in upper case, 5 rounds, 10 connections at once',
    T,
    async () => {
      const out = new CapturedOutput();
      const { server, stats } = lineServer({ answer: talk });
      let names: string[];
      {
        await using log = new ThreadLog(out);
        names = await serving(server, (port) => runClients(log, port, 10, 5));
      }
      assert.equal(new Set(names).size, 10);
      for (const name of names) {
        const mine = out.lines.filter((l) => l === `b'${name.toUpperCase()} SAY HELLO'`);
        assert.equal(mine.length, 5, name);
      }
      assert.equal(out.lines.length, 50);
      assert.equal(stats.mostOpen, 10);
      assert.equal(stats.answered, 50);
      await assertNothingOpen();
    },
  );

  it("S62: every URL's status is printed, 200 or 404, at most 4 requests at once", T, async () => {
    const { lines, summary } = await runQuick(s62);
    const seen = new Set<number>();
    for (const line of lines.slice(0, -1)) {
      const m = /^http:\/\/127\.0\.0\.1:\d+\/(page|missing)\/(\d+): (\d+)$/.exec(line);
      assert.ok(m, line);
      const i = Number(m[2]);
      assert.equal(m[1], i % 4 === 3 ? 'missing' : 'page', line);
      assert.equal(m[3], m[1] === 'page' ? '200' : '404', line);
      seen.add(i);
    }
    assert.equal(seen.size, 12);
    assert.equal(lines.length, 13);
    assert.equal(
      lines.at(-1),
      `12 URLs: 9 × 200, 3 × 404; the site answered at most ${WORKERS} requests at once`,
    );
    assert.match(summary, /never saw more than 4 requests at once$/);
    await assertNothingOpen();
  });

  it(
    'S62: 40 URLs through a pool of 4: the site sees exactly 4 at once, never more',
    T,
    async () => {
      const out = new CapturedOutput();
      let result: Awaited<ReturnType<typeof crawl>>;
      {
        await using log = new ThreadLog(out);
        result = await crawl(log, 40);
      }
      const { statuses, stats } = result;
      assert.equal(stats.mostInFlight, WORKERS, 'the pool ran 4 at once, and no more');
      assert.equal(stats.served, 40);
      assert.equal(stats.inFlight, 0);
      assert.equal(statuses.size, 40);
      assert.equal([...statuses.values()].filter((c) => c === 404).length, 10);
      for (const [url, code] of statuses) assert.ok(out.lines.includes(`${url}: ${code}`), url);
      assert.equal(out.lines.length, 40);
      await assertNothingOpen();
    },
  );

  it(
    'S63: hello routes, the CPU route in the pool, and the inline route holding a GET',
    T,
    async () => {
      const { lines, summary } = await runQuick(s63);
      assert.equal(lines[0], 'GET / → 200 Hello, Anonymous');
      assert.equal(lines[1], 'GET /Alice → 200 Hello, Alice');
      assert.match(
        lines[2]!,
        /^GET \/primes\/1000000 → 200 78498 primes below 1000000 \(computed in ThreadPoolExecutor-\d+_\d+ in [\d.]+ s\)$/,
      );
      assert.match(
        lines[3]!,
        /^while the worker computed, GET \/ answered \d+ times, the slowest in [\d.]+ ms$/,
      );
      const inline =
        /^GET \/primes\/1000000\?inline → 200 78498 primes below 1000000 \(computed on the event loop in ([\d.]+) s\)$/.exec(
          lines[4]!,
        );
      assert.ok(inline, lines[4]);
      const waited =
        /^a GET \/ sent as it started waited ([\d.]+) s: the event loop was computing$/.exec(
          lines[5]!,
        );
      assert.ok(waited, lines[5]);
      assert.ok(Number(waited[1]) >= Number(inline[1]), 'the GET waited for the whole computation');
      assert.equal(lines.length, 6);
      assert.match(
        summary,
        /^\/ and \/Alice said hello; while \/primes\/1000000 computed in a ThreadPoolExecutor/,
      );
      await assertNothingOpen();
    },
  );

  it('S63: / and /{name} answer while a CPU request is in flight in the pool', T, async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    const running = new Event();
    const release = new Event();
    await serving(helloServer(pool, { running, release }), async (port) => {
      let answered = false;
      const cpu = get(port, '/primes/200000').then((r) => {
        answered = true;
        return r;
      });
      assert.ok(await running.wait({ timeout: 30_000 }), 'the worker started computing');
      assert.deepEqual(await get(port, '/'), { status: 200, text: 'Hello, Anonymous' });
      assert.deepEqual(await get(port, '/Alice'), { status: 200, text: 'Hello, Alice' });
      assert.deepEqual(await get(port, '/Bob%20Smith'), { status: 200, text: 'Hello, Bob Smith' });
      assert.deepEqual(await get(port, '/a/b'), { status: 404, text: 'Not Found' });
      assert.equal(answered, false, 'the CPU request is still in flight');
      release.set();
      const { status, text } = await cpu;
      assert.equal(status, 200);
      assert.match(
        text,
        /^17984 primes below 200000 \(computed in ThreadPoolExecutor-\d+_0 in [\d.]+ s\)$/,
      );
    });
    await assertNothingOpen();
  });
});
