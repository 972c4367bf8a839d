/**
 * S63: aiohttp's hello server: `/` answers `Hello, Anonymous`, `/{name}` answers
 * `Hello, name`; here with a CPU-heavy route whose work runs in a thread pool.
 *
 * Python:
 *   from aiohttp import web
 *   async def handle(request):
 *       name = request.match_info.get('name', "Anonymous")
 *       text = "Hello, " + name
 *       return web.Response(text=text)
 *   app = web.Application()
 *   app.add_routes([web.get('/', handle), web.get('/{name}', handle)])
 *   web.run_app(app, port=8080)
 *
 * The weft way: Node's `http` is aiohttp's event-loop server (one thread answers every
 * request, each handler an async function), so `handle` is the same three lines. A handler
 * that computes, though, holds that one thread and every other request waits: in aiohttp
 * as in Node. aiohttp's answer is `await loop.run_in_executor(pool, count_primes, n)`;
 * weft's is `await pool.submit(countPrimes, n)` on a `ThreadPoolExecutor`: the handler waits
 * for a future while a worker thread computes (on another core, no GIL), and the event loop
 * goes on answering. `countPrimes` is exported: the worker imports this module to find it.
 *
 * The demo shows both: while `/primes/N` computes in the pool it sends `GET /` again and
 * again and counts the answers; then `/primes/N?inline` computes on the event loop, and a
 * `GET /` sent as it starts waits for the whole computation. The server listens on
 * 127.0.0.1 at a free port, not 8080.
 */
import { createServer, type Server } from 'node:http';
import { ThreadPoolExecutor } from 'weft/futures';
import { currentThread, Event } from 'weft/threading';
import { serving } from './_net.js';
import { defineSeed, runIfMain, type SeedOutput } from './_seed.js';
import { secondsSince } from './_util.js';

/** The CPU-heavy part: how many primes are below `n`, by trial division. */
export function primesBelow(n: number): number {
  let count = 0;
  for (let k = 2; k < n; k++) {
    let prime = true;
    for (let d = 2; d * d <= k; d++) {
      if (k % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/**
 * The pool task of `/primes/N`: counts the primes below `n` and says which thread did.
 * `running` is set when it starts; if `release` is given, it answers only once that is set
 * (the tests use it to keep the computation in flight while they talk to the server).
 */
export function countPrimes(
  n: number,
  running: Event | null,
  release: Event | null,
): { count: number; thread: string; seconds: number } {
  running?.set();
  const start = performance.now();
  const count = primesBelow(n);
  const seconds = secondsSince(start);
  release?.waitSync({ timeout: 30_000 });
  return { count, thread: currentThread().name, seconds };
}

/** Events the `/primes/N` route passes to {@link countPrimes}. */
export interface Handshakes {
  running?: Event;
  release?: Event;
}

/** The text of `/primes/N`. */
function computed(count: number, n: number, where: string, seconds: number): string {
  return `${count} primes below ${n} (computed ${where} in ${seconds.toFixed(2)} s)`;
}

/** A path segment with its %-escapes decoded (as it is, if they are malformed). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The application. Routes: `/` and `/{name}` (Python's `handle`), `/primes/N` (computed in
 * `pool`) and `/primes/N?inline` (computed on the event loop, the way not to).
 */
export function helloServer(pool: ThreadPoolExecutor, handshakes: Handshakes = {}): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    const primes = /^\/primes\/(\d+)$/.exec(url.pathname);
    if (primes) {
      const n = Number(primes[1]);
      if (url.searchParams.has('inline')) {
        const start = performance.now();
        const count = primesBelow(n);
        return send(200, computed(count, n, 'on the event loop', secondsSince(start)));
      }
      const { count, thread, seconds } = await pool.submit(
        countPrimes,
        n,
        handshakes.running ?? null,
        handshakes.release ?? null,
      );
      return send(200, computed(count, n, `in ${thread}`, seconds));
    }
    const name = /^\/([^/]+)$/.exec(url.pathname)?.[1]; // aiohttp's '/{name}'
    if (url.pathname === '/' || name) return send(200, `Hello, ${decoded(name ?? 'Anonymous')}`);
    send(404, 'Not Found');
  });
}

/** A GET of `path` on the server at `port`: its status and text (Python's `requests.get`). */
export async function get(port: number, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
}

/** Prints a GET and its answer, as a client would see it. */
async function show(out: SeedOutput, port: number, path: string): Promise<string> {
  const { status, text } = await get(port, path);
  out.log(`GET ${path} → ${status} ${text}`);
  return text;
}

/**
 * Sends `GET /` again and again until `done` settles; resolves to how many answered and the
 * slowest answer, in milliseconds.
 */
export async function pingUntil(
  port: number,
  done: Promise<unknown>,
): Promise<{ answers: number; slowestMs: number }> {
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  let answers = 0;
  let slowestMs = 0;
  while (!finished) {
    const start = performance.now();
    await get(port, '/');
    slowestMs = Math.max(slowestMs, performance.now() - start);
    answers++;
  }
  return { answers, slowestMs };
}

const seed = defineSeed({
  id: 'S63',
  title: 'aiohttp-style hello server on node:http; a CPU-heavy route computed in a thread pool',
  python: "/ → 'Hello, Anonymous', /Alice → 'Hello, Alice'",
  async run(out, { quick }) {
    const n = quick ? 1_000_000 : 5_000_000;
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const running = new Event();
    const server = helloServer(pool, { running });
    return await serving(server, async (port) => {
      await show(out, port, '/');
      await show(out, port, '/Alice');

      // in the pool: / keeps answering while a worker computes
      const computing = show(out, port, `/primes/${n}`);
      await running.wait({ timeout: 30_000 }); // the worker has started computing
      const { answers, slowestMs } = await pingUntil(port, computing);
      await computing;
      out.log(
        `while the worker computed, GET / answered ${answers} times, the slowest in ${slowestMs.toFixed(1)} ms`,
      );

      // on the event loop: a GET / sent as the computation starts waits for all of it
      let pinged: Promise<number> | undefined;
      server.prependOnceListener('request', () => {
        const sent = performance.now(); // before the handler below starts computing
        pinged = get(port, '/').then(() => secondsSince(sent));
      });
      await show(out, port, `/primes/${n}?inline`);
      const waited = await pinged!;
      out.log(
        `a GET / sent as it started waited ${waited.toFixed(2)} s: the event loop was computing`,
      );
      return `/ and /Alice said hello; while /primes/${n} computed in a ThreadPoolExecutor, / answered ${answers} times (the slowest in ${slowestMs.toFixed(1)} ms); computed on the event loop, it held a GET / for ${waited.toFixed(2)} s`;
    });
  },
});

export default seed;
runIfMain(import.meta, seed);
