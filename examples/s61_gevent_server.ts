/**
 * S61: gevent's TCP server answers every message in upper case; ten client threads talk to
 * it at once.
 *
 * Python, the server (one greenlet per connection):
 *   from gevent import monkey; monkey.patch_all()
 *   import gevent
 *   def talk(conn):
 *       while True:
 *           try:
 *               data = conn.recv(1024)
 *               if len(data) == 0: break
 *               conn.send(data.upper())
 *           except Exception as e:
 *               print(e)
 *       conn.close()
 *   def sever(ip, port):
 *       server = socket(); server.bind((ip, port)); server.listen(5)
 *       while True:
 *           conn, addr = server.accept()
 *           gevent.spawn(talk, conn)
 *   g1 = gevent.spawn(sever, '127.0.0.1', 8080); g1.join()
 *
 * Python, the clients (ten threads, each talking forever):
 *   def socket_client():
 *       cli = socket.socket(); cli.connect(('127.0.0.1', 8080))
 *       while True:
 *           ss = '%s say hello' % current_thread().getName()
 *           cli.send(ss.encode('utf-8'))
 *           data = cli.recv(1024)
 *           print(data)
 *   for i in range(10):
 *       t = Thread(target=socket_client); t.start()
 *
 * The weft way, the server: what gevent adds to Python is what Node is made of. Its
 * `monkey.patch_all()` turns blocking socket calls into waits that let other greenlets run;
 * every socket call in Node already is such a wait. Its `gevent.spawn(talk, conn)` starts a
 * coroutine per connection; the event loop already runs each connection's callback as its
 * own async task (`lineServer` in `_net.ts`), so `talk` is one line: `data.toUpperCase()`.
 *
 * The clients are weft `Thread`s, as in Python. `socketClient` is exported (a thread imports
 * this module to find it) and async, so the ten are virtual threads sharing an isolate or two
 * in worker threads; each opens its own socket there, to the server on the main thread, and
 * prints through the example's shared-memory log. Python's clients talk forever; these talk
 * a few rounds, and wait at a `Barrier` twice: once connected (the ten are open together
 * before the first message) and once served (nobody hangs up before all ten were answered,
 * so the server sees the ten connections at once). TCP being a byte stream, each message
 * ends with a newline.
 */
import { Barrier, currentThread, Thread } from 'weft/threading';
import { asker, connect, hangUp, lineServer, serving } from './_net.js';
import { defineSeed, runIfMain } from './_seed.js';
import { joinAll, type LogBuffer, print, startAll, ThreadLog } from './_util.js';

/** Python's `talk(conn)`: each message's reply, `data.upper()`. */
export function talk(data: string): string {
  return data.toUpperCase();
}

/** How long a client waits at the barrier before giving up (it then fails, never hangs). */
const BARRIER_TIMEOUT = 30_000;

/**
 * Python's `socket_client`, in a thread: connects, then sends `'<its name> say hello'`
 * `rounds` times, printing each reply as Python's `print(data)` prints bytes.
 */
export async function socketClient(
  log: LogBuffer,
  port: number,
  rounds: number,
  together: Barrier,
): Promise<void> {
  const cli = await connect(port);
  try {
    const ask = asker(cli);
    await together.wait({ timeout: BARRIER_TIMEOUT }); // all connected
    const ss = `${currentThread().name} say hello`;
    for (let r = 0; r < rounds; r++) print(log, `b'${await ask(ss)}'`);
    await together.wait({ timeout: BARRIER_TIMEOUT }); // all answered
  } finally {
    await hangUp(cli);
  }
}

/**
 * Starts `n` client threads against the server on `port`, `rounds` messages each, and joins
 * them; resolves to their names.
 */
export async function runClients(
  log: ThreadLog,
  port: number,
  n: number,
  rounds: number,
): Promise<string[]> {
  const together = new Barrier(n);
  const threads = startAll(
    Array.from(
      { length: n },
      () => new Thread({ target: socketClient, args: [log.buffer, port, rounds, together] }),
    ),
  );
  await joinAll(threads);
  return threads.map((t) => t.name);
}

const seed = defineSeed({
  id: 'S61',
  title: 'gevent-style TCP server answering in upper case; 10 client threads',
  python: "each of 10 client threads gets b'THREAD-N SAY HELLO' back, again and again",
  async run(out, { quick }) {
    const clients = 10;
    const rounds = quick ? 2 : 10;
    await using log = new ThreadLog(out);
    const { server, stats } = lineServer({ answer: talk });
    const names = await serving(server, (port) => runClients(log, port, clients, rounds));
    log.print(
      `${stats.mostOpen} client threads connected at once; ${stats.answered} of ${clients * rounds} messages answered in upper case`,
    );
    return `${names.length} client threads (${names[0]} …) each got their ${rounds} messages back in upper case; the server saw ${stats.mostOpen} connections at once, each served by its own async task`;
  },
});

export default seed;
runIfMain(import.meta, seed);
