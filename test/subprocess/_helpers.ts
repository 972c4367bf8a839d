/** Shared pieces of the subprocess tests: child programs and a handshake channel. */
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

/** `[node, '-e', code, ...args]`: a child running `code` on this Node. */
export function nodeArgs(code: string, ...args: string[]): string[] {
  return [process.execPath, '-e', code, ...args];
}

/** Whether a process with this pid exists (a reaped child does not; a zombie still does). */
export function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * A local channel on which children say they have reached a point (instead of the test
 * sleeping): `code()` is the child's snippet that sends its pid, `next()` resolves to the pid
 * of the next child that sent it.
 */
export class Handshake implements AsyncDisposable {
  readonly #server: Server;
  readonly #arrived: number[] = [];
  readonly #waiting: ((pid: number) => void)[] = [];

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('end', () => {
        const pid = Number(text);
        const waiter = this.#waiting.shift();
        if (waiter) waiter(pid);
        else this.#arrived.push(pid);
      });
    });
  }

  static async open(): Promise<Handshake> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new Handshake(server);
  }

  /** JavaScript for a child: connect, send `process.pid`, then run `then`. */
  code(then = ''): string {
    const { port } = this.#server.address() as { port: number };
    return `require('net').connect(${port}, '127.0.0.1', function () { this.end(String(process.pid)); ${then} });`;
  }

  next(): Promise<number> {
    const pid = this.#arrived.shift();
    if (pid !== undefined) return Promise.resolve(pid);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#server.close();
  }
}

/** A child that stays alive until killed. */
export const FOREVER = 'setInterval(() => {}, 1000);';
