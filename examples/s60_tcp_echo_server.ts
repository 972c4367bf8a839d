/**
 * S60: a TCP server that answers every message with `data + 'hello'`, on a `listen(2)`
 * socket, serving many clients at once.
 *
 * Python (one thread per connection):
 *   server = socket.socket()
 *   server.bind(('127.0.0.1', 8081))
 *   server.listen(2)            # "clients are not limited by the backlog"
 *   def talk(sock):
 *       while True:
 *           try:
 *               data = sock.recv(1024)
 *               if len(data) == 0: break
 *               print(data.decode('utf8'))
 *               sock.send(data + b'hello')
 *           except ConnectionResetError as e:
 *               print(e); break
 *       sock.close()
 *   while True:
 *       sock, addr = server.accept()
 *       print(addr)
 *       t = Thread(target=talk, args=(sock,))
 *       t.start()
 *
 * The weft way: the main thread accepts and does all the socket IO; the per-message work
 * (`talk`) runs in a `ThreadPoolExecutor`, which gets data and returns data. Why not one
 * `Thread` per connection as in Python: a socket cannot move to another isolate in Node (it
 * belongs to the event loop that opened it), so a thread could only ever receive the bytes
 * from the main thread anyway; the event loop already waits on every connection at once,
 * which is the job Python gave its threads; and a pool is started once, reuses its workers
 * for every connection and bounds how many run, where a thread per connection would pay a
 * start for each of hundreds of clients. Replace `talk` with real work (parsing, hashing,
 * compressing) and it runs in parallel with the IO and on every core.
 *
 * The backlog, measured: `listen(2)` bounds the connections the kernel has completed but the
 * program has not accepted yet, not the connections open at once. The main thread accepts
 * at once, so clients that connect one after another are all served, as the tutorial saw
 * (here 50 of them, or 300 in the test, open together). A burst of simultaneous connects
 * does exceed it: the kernel then drops the handshakes it has no room for and those clients
 * retry after 1 s, 3 s… (20 simultaneous connects to a `listen(2)` server took up to 8 s
 * here; with Node's default backlog of 511, 300 take milliseconds).
 *
 * TCP is a byte stream: Python's `recv(1024)` may return half a message or two. Messages
 * here end with a newline, and each line gets its reply.
 */
import type { Server, Socket } from 'node:net';
import { ThreadPoolExecutor } from 'weft/futures';
import { asker, type ConnectionStats, connect, hangUp, lineServer, serving } from './_net.js';
import { defineSeed, runIfMain, type SeedOutput } from './_seed.js';
import { secondsSince } from './_util.js';

/** The work for one message, in a pool thread: Python's `data + b'hello'`. */
export function talk(data: string): string {
  return `${data}hello`;
}

/**
 * The server. Each connection is handled by the main thread's event loop: its lines are
 * read in order and each one's reply comes from a pool task. `show(n)` says whether the
 * `n`-th connection prints what Python printed (its address and its messages).
 */
export function echoServer(
  pool: ThreadPoolExecutor,
  out: SeedOutput,
  show: (n: number) => boolean = () => true,
): { server: Server; stats: ConnectionStats } {
  return lineServer({
    accepted(sock, n) {
      if (show(n)) out.log(`('${sock.remoteAddress}', ${sock.remotePort})`);
    },
    async answer(data, n) {
      if (show(n)) out.log(data);
      return pool.submit(talk, data);
    },
    failed(err) {
      out.log(err.message); // Python's `except ConnectionResetError as e: print(e)`
    },
  });
}

/**
 * Connects `n` clients one after another (the way the tutorial started them by hand), so
 * they are all open at once without a burst of handshakes; `burst` connects them all
 * simultaneously instead.
 */
export async function openClients(port: number, n: number, burst = false): Promise<Socket[]> {
  if (burst) return Promise.all(Array.from({ length: n }, () => connect(port)));
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) sockets.push(await connect(port));
  return sockets;
}

/**
 * Every client sends `rounds` messages, each after the reply to the one before, all clients
 * concurrently, then hangs up. Resolves to the number of replies equal to `message + 'hello'`.
 */
export async function converse(sockets: Socket[], rounds: number): Promise<number> {
  const correct = await Promise.all(
    sockets.map(async (sock, i) => {
      const ask = asker(sock);
      let ok = 0;
      for (let r = 0; r < rounds; r++) {
        const message = `client ${i} says ${r}`;
        if ((await ask(message)) === talk(message)) ok++;
      }
      await hangUp(sock);
      return ok;
    }),
  );
  return correct.reduce((a, b) => a + b, 0);
}

/** In the quick variant only the first connections print (all of them are served). */
export const PRINTED = 3;

const seed = defineSeed({
  id: 'S60',
  title: "TCP server on listen(2): every message answered with data + 'hello'",
  python: "each client gets data + b'hello'; clients beyond the backlog still served",
  async run(out, { quick }) {
    const clients = quick ? 50 : 300;
    const rounds = quick ? 2 : 3;
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const { server, stats } = echoServer(pool, out, (n) => !quick || n < PRINTED);
    const start = performance.now();
    const correct = await serving(
      server,
      async (port) => converse(await openClients(port, clients), rounds),
      2, // Python's listen(2)
    );
    const seconds = secondsSince(start);
    if (quick) out.log(`(clients ${PRINTED} … ${clients - 1} talked too, without printing)`);
    out.log(
      `${stats.mostOpen} clients open at once on a listen(2) server; ${correct} of ${clients * rounds} replies were data + 'hello'`,
    );
    return `${clients} concurrent clients on listen(2), all served: ${correct}/${clients * rounds} replies correct in ${seconds.toFixed(2)} s, each computed in a ThreadPoolExecutor task (the main thread accepts and does the IO)`;
  },
});

export default seed;
runIfMain(import.meta, seed);
