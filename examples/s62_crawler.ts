/**
 * S62: a crawler: threads GET URLs and print their status codes.
 *
 * Python (one thread per URL):
 *   import threading, requests
 *   def fetch_url(url):
 *       response = requests.get(url)
 *       print(f"{url}: {response.status_code}")
 *   urls = ["https://www.example.com", "https://www.python.org"]
 *   threads = []
 *   for url in urls:
 *       t = threading.Thread(target=fetch_url, args=(url,))
 *       threads.append(t)
 *       t.start()
 *   for t in threads:
 *       t.join()
 *
 * The weft way: the same `fetchUrl`, exported (the thread imports this module to find it),
 * with Node's `fetch` for `requests.get`, run by a `ThreadPoolExecutor({ maxWorkers: 4 })`.
 * A thread per URL is fine for two URLs; for a real list it opens as many connections at
 * once as there are URLs, which a site may take for an attack. The pool bounds it: four
 * workers, each fetching one URL at a time (an async task holds its worker until it
 * returns), so the site never sees more than four requests at once, however long the list.
 * (A `BoundedSemaphore(4)` taken around the `fetch` in a thread per URL would bound it too.)
 *
 * No internet: the site is a local HTTP server on 127.0.0.1 that answers `/page/N` with 200
 * and everything else with 404, and counts the requests it is answering at once. So that
 * the count shows the pool really runs four at once, the site holds its first answers until
 * four requests are waiting (a handshake; after that it answers at once).
 */
import { createServer, type Server } from 'node:http';
import { ThreadPoolExecutor } from 'weft/futures';
import { serving } from './_net.js';
import { defineSeed, runIfMain } from './_seed.js';
import { type LogBuffer, print, secondsSince, ThreadLog } from './_util.js';

/** Python's `fetch_url`, in a pool thread: GETs `url`, prints its status code, returns it. */
export async function fetchUrl(log: LogBuffer, url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer(); // read the body: the connection is then free for the next GET
  print(log, `${url}: ${response.status}`);
  return response.status;
}

/** What the site counts: requests being answered now, the most at once, requests answered. */
export interface SiteStats {
  inFlight: number;
  mostInFlight: number;
  served: number;
}

/**
 * The site: `/page/N` is found (200), anything else is not (404). Its first answers wait
 * until `holdUntil` requests are in flight at once (0: never wait).
 */
export function site(holdUntil: number): { server: Server; stats: SiteStats } {
  const stats: SiteStats = { inFlight: 0, mostInFlight: 0, served: 0 };
  let held: (() => void)[] | null = holdUntil > 0 ? [] : null;
  const release = () => {
    const waiting = held ?? [];
    held = null;
    for (const answer of waiting) answer();
  };
  // a safety net: a pool that never reached `holdUntil` still gets its answers
  if (held) setTimeout(release, 20_000).unref();
  const server = createServer((req, res) => {
    stats.inFlight++;
    stats.mostInFlight = Math.max(stats.mostInFlight, stats.inFlight);
    const answer = () => {
      stats.inFlight--;
      stats.served++;
      const found = /^\/page\/\d+$/.test(req.url ?? '');
      res.writeHead(found ? 200 : 404, { 'content-type': 'text/html' });
      res.end(found ? `<h1>${req.url}</h1>` : '<h1>Not Found</h1>');
    };
    if (!held) return answer();
    held.push(answer);
    if (held.length >= holdUntil) release();
  });
  return { server, stats };
}

/** The URLs to crawl on `port`: `n` of them, every fourth one missing (404). */
export function urlsOf(port: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    i % 4 === 3 ? `http://127.0.0.1:${port}/missing/${i}` : `http://127.0.0.1:${port}/page/${i}`,
  );
}

/** The most requests in flight at once: the pool's `maxWorkers`. */
export const WORKERS = 4;

/** Crawls `n` URLs of a fresh site with a pool of {@link WORKERS}; resolves to what it saw. */
export async function crawl(
  log: ThreadLog,
  n: number,
): Promise<{ statuses: Map<string, number>; stats: SiteStats }> {
  const { server, stats } = site(Math.min(WORKERS, n));
  await using pool = new ThreadPoolExecutor({ maxWorkers: WORKERS });
  const statuses = await serving(server, async (port) => {
    const urls = urlsOf(port, n);
    const codes = await Promise.all(urls.map((url) => pool.submit(fetchUrl, log.buffer, url)));
    return new Map(urls.map((url, i) => [url, codes[i]!]));
  });
  return { statuses, stats };
}

const seed = defineSeed({
  id: 'S62',
  title: 'a crawler: threads GET URLs and print their status codes',
  python: 'https://www.example.com: 200, https://www.python.org: 200, in the order they finish',
  async run(out, { quick }) {
    const n = quick ? 12 : 40;
    await using log = new ThreadLog(out);
    const start = performance.now();
    const { statuses, stats } = await crawl(log, n);
    const seconds = secondsSince(start);
    const codes = [...statuses.values()];
    const ok = codes.filter((c) => c === 200).length;
    const missing = codes.filter((c) => c === 404).length;
    log.print(
      `${statuses.size} URLs: ${ok} × 200, ${missing} × 404; the site answered at most ${stats.mostInFlight} requests at once`,
    );
    return `${statuses.size} URLs crawled by a ThreadPoolExecutor of ${WORKERS} in ${seconds.toFixed(2)} s, every status printed (${ok} × 200, ${missing} × 404); the site never saw more than ${stats.mostInFlight} requests at once`;
  },
});

export default seed;
runIfMain(import.meta, seed);
