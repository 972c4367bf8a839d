/**
 * Helpers the server examples (S60–S63) share: serving on the loopback interface at a port
 * the system picks and closing the server with its connections ({@link serving}), a TCP
 * server that answers line by line ({@link lineServer}), connecting a client, asking and
 * hanging up, and reading a socket line by line.
 *
 * Every server here listens on 127.0.0.1 only, at port 0 (a free port), so the examples run
 * side by side, in tests and in the demo, and nothing is reachable from outside the machine.
 */
import { once } from 'node:events';
import { Server as HttpServer } from 'node:http';
import {
  type AddressInfo,
  createServer,
  connect as netConnect,
  type Server,
  type Socket,
} from 'node:net';
import { createInterface } from 'node:readline';

/**
 * Python's `server.bind(('127.0.0.1', 0)); server.listen(backlog)`: listens on 127.0.0.1 at a
 * free port; resolves to the port. `backlog` is Node's (511) when left out.
 */
async function listen(server: Server, backlog?: number): Promise<number> {
  server.listen({ host: '127.0.0.1', port: 0, ...(backlog === undefined ? {} : { backlog }) });
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/**
 * Stops listening and resolves once every connection has closed. An HTTP server's
 * connections (kept alive between requests) are closed; a TCP server waits for its peers.
 */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) =>
    server.close((err) => (err ? reject(err) : resolve())),
  );
  if (server instanceof HttpServer) server.closeAllConnections();
  await closed;
}

/** Python's `client.connect(('127.0.0.1', port))`: resolves once connected. */
export async function connect(port: number): Promise<Socket> {
  const socket = netConnect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

/** Ends our side of `socket` and resolves once it is fully closed. */
export async function hangUp(socket: Socket): Promise<void> {
  if (socket.closed) return;
  const closed = once(socket, 'close');
  socket.end();
  await closed;
}

/**
 * The lines `socket` receives, without their `\n`. TCP carries a stream of bytes, not
 * messages: one `recv(1024)` in Python may return half a message or two, so the examples
 * that need message boundaries end each message with a newline.
 */
export function lines(socket: Socket): AsyncIterableIterator<string> {
  return createInterface({ input: socket, crlfDelay: Number.POSITIVE_INFINITY })[
    Symbol.asyncIterator
  ]();
}

/**
 * A client's side of a line conversation: `ask(message)` sends `message` and a newline on
 * `socket` and resolves to the next line received (Python's `send` then `recv`).
 */
export function asker(socket: Socket): (message: string) => Promise<string> {
  const replies = lines(socket);
  return async (message) => {
    socket.write(`${message}\n`);
    const { value, done } = await replies.next();
    if (done) throw new Error('the server hung up before replying');
    return value;
  };
}

/** What a {@link lineServer} counts: connections open now, the most open at once, replies. */
export interface ConnectionStats {
  open: number;
  mostOpen: number;
  answered: number;
}

/** What a {@link lineServer} does with its connections. */
export interface LineHandlers {
  /** The reply to one line (both without their newline); connections are numbered from 0. */
  answer(line: string, connection: number): string | Promise<string>;
  /** Called when connection number `connection` is accepted (Python's `print(addr)`). */
  accepted?(socket: Socket, connection: number): void;
  /** Called when a connection fails (Python's `except ConnectionResetError as e`). */
  failed?(err: Error, connection: number): void;
}

/**
 * A TCP server that answers every line it receives, in order, on each connection. Python
 * accepts in a loop and hands each socket to a thread or a greenlet running `talk(sock)`;
 * here the event loop accepts, and each connection's callback runs as its own async task,
 * waiting on its socket while the others go on.
 */
export function lineServer(handlers: LineHandlers): { server: Server; stats: ConnectionStats } {
  const stats: ConnectionStats = { open: 0, mostOpen: 0, answered: 0 };
  let accepted = 0;
  const server = createServer(async (socket) => {
    const n = accepted++;
    stats.open++;
    stats.mostOpen = Math.max(stats.mostOpen, stats.open);
    socket.on('close', () => stats.open--);
    handlers.accepted?.(socket, n);
    try {
      for await (const line of lines(socket)) {
        socket.write(`${await handlers.answer(line, n)}\n`);
        stats.answered++;
      }
    } catch (err) {
      handlers.failed?.(err as Error, n);
      socket.destroy();
    }
  });
  return { server, stats };
}

/**
 * Listens (see {@link listen}), runs `fn(port)` and closes the server (see
 * {@link closeServer}); if `fn` fails, the server stops listening and the error goes on.
 * An `http.Server` is a `net.Server`: both kinds go through here.
 */
export async function serving<T>(
  server: Server,
  fn: (port: number) => Promise<T>,
  backlog?: number,
): Promise<T> {
  const port = await listen(server, backlog);
  let result: T;
  try {
    result = await fn(port);
  } catch (err) {
    server.close();
    throw err;
  }
  await closeServer(server);
  return result;
}
