/** Shared pieces of the managers tests: managers to serve, servers on port 0, raw sockets. */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  type AutoProxy,
  BaseManager,
  type ManagerAddress,
  type ManagerOptions,
  type Server,
} from 'weft/managers';
import {
  answerChallenge,
  checkAuthkey,
  createChallenge,
  verifyAnswer,
  WELCOME,
} from '../../src/managers/auth.js';
import { encodeFrame, FrameReader } from '../../src/managers/frames.js';

export const AUTHKEY = 'weft-test-key';

/** A test's timeout option, for every `it`. */
export const T = { timeout: 15_000 } as const;

/** An object with methods, proxied by the server. */
export class Counter {
  n = 0;
  inc(by = 1): number {
    this.n += by;
    return this.n;
  }
  async incLater(by: number, ms: number): Promise<number> {
    await new Promise((r) => setTimeout(r, ms));
    return this.inc(by);
  }
  reset(): void {
    this.n = 0;
  }
  fail(message: string): never {
    throw new RangeError(message);
  }
  add(other: Counter): number {
    return this.n + other.n;
  }
  *[Symbol.iterator](): Iterator<number> {
    yield this.n;
  }
  _hidden(): string {
    return 'hidden';
  }
}

/** Holds any value; its own properties are what `_getvalue()` copies. */
export class Box {
  constructor(public value: unknown) {}
  get(): unknown {
    return this.value;
  }
}

export class ParseError extends Error {
  override name = 'ParseError';
  line = 7;
}

/** The server side of the tests: every kind of registration. */
export class ServedManager extends BaseManager {}
ServedManager.register('sum', (a: number, b: number) => ((a + b) * (b - a + 1)) / 2);
ServedManager.register('echo', (...args: unknown[]) => args);
ServedManager.register('later', async (value: unknown, ms: number) => {
  await new Promise((r) => setTimeout(r, ms));
  return value;
});
ServedManager.register('Counter', (start = 0) => {
  const c = new Counter();
  c.n = start;
  return c;
});
ServedManager.register('LimitedCounter', () => new Counter(), { exposed: ['inc'] });
ServedManager.register('PlainCounter', () => ({ n: 1 }), { exposed: [] });
ServedManager.register('parse', (text: string) => {
  throw new ParseError(`cannot parse ${JSON.stringify(text)}`);
});
ServedManager.register('throwString', () => {
  throw 'a bare string';
});
ServedManager.register('unsendable', () => {
  const loop: Record<string, unknown> = { a: 1 };
  loop.self = loop;
  return loop;
});
ServedManager.register('big', (n: number) => 'x'.repeat(n));
ServedManager.register('Box', (value: unknown) => new Box(value));
ServedManager.register('Family', () => ({ child: () => new Counter() }), {
  methodToTypeid: { child: 'Counter' },
});

/** The client side: the same typeids, no callables (as a Python client registers them). */
export class ClientManager extends BaseManager {
  declare sum: (a: number, b: number) => Promise<number>;
  declare echo: (...args: unknown[]) => Promise<unknown[]>;
  declare later: <V>(value: V, ms: number) => Promise<V>;
  declare Counter: (start?: number) => Promise<AutoProxy<Counter>>;
  declare LimitedCounter: () => Promise<AutoProxy<Pick<Counter, 'inc'>>>;
  declare PlainCounter: () => Promise<AutoProxy<object>>;
  declare parse: (text: string) => Promise<never>;
  declare throwString: () => Promise<never>;
  declare unsendable: () => Promise<unknown>;
  declare big: (n: number) => Promise<string>;
  declare Box: (value: unknown) => Promise<AutoProxy<Box>>;
  declare Family: () => Promise<AutoProxy<{ child(): AutoProxy<Counter> }>>;
  declare notOnServer: () => Promise<unknown>;
}
for (const typeid of [
  'sum',
  'echo',
  'later',
  'Counter',
  'LimitedCounter',
  'PlainCounter',
  'parse',
  'throwString',
  'unsendable',
  'big',
  'Box',
  'Family',
  'notOnServer',
])
  ClientManager.register(typeid);

/** A server of `ServedManager` (or `cls`) on a free loopback port, serving. */
export interface Serving extends AsyncDisposable {
  server: Server;
  address: ManagerAddress;
  served: Promise<void>;
}

export async function serve(
  options: Partial<ManagerOptions> = {},
  cls: typeof BaseManager = ServedManager,
): Promise<Serving> {
  const manager = new cls({ address: ['127.0.0.1', 0], authkey: AUTHKEY, ...options });
  const server = await manager.getServer();
  const served = server.serveForever();
  return {
    server,
    address: server.address,
    served,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A connected client of `address`. */
export async function client(
  address: ManagerAddress,
  options: Partial<ManagerOptions> = {},
): Promise<ClientManager> {
  const m = new ClientManager({ address, authkey: AUTHKEY, ...options });
  await m.connect();
  return m;
}

/** A plain TCP connection to `address`. */
export async function rawSocket(address: ManagerAddress): Promise<Socket> {
  const socket = connect(address.port, address.host);
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Frames from a raw socket, one at a time. */
export class RawFrames {
  readonly #reader = new FrameReader();
  readonly #waiting: ((frame: Buffer | undefined) => void)[] = [];
  #ended = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#reader.push(chunk);
      this.#flush();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#waiting.length) {
      const frame = this.#reader.next(1 << 30);
      if (!frame && !this.#ended) return;
      this.#waiting.shift()!(frame);
    }
  }

  /** The next frame, or `undefined` once the socket has closed. */
  next(): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#flush();
    });
  }

  send(payload: Buffer | string): void {
    this.socket.write(encodeFrame(Buffer.from(payload)));
  }
}

/** Resolves with the milliseconds until `socket` closes. */
export async function closeTime(socket: Socket): Promise<number> {
  const t0 = performance.now();
  socket.resume(); // a paused socket never sees the end of its stream
  if (!socket.destroyed) await once(socket, 'close');
  return performance.now() - t0;
}

/** Waits `ms` milliseconds. */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs the client's side of the handshake over raw frames, as a well-behaved peer would. */
export async function authenticate(frames: RawFrames, authkey = AUTHKEY): Promise<void> {
  const key = checkAuthkey(authkey);
  frames.send(answerChallenge(key, (await frames.next())!));
  const welcome = await frames.next();
  if (!welcome?.equals(WELCOME)) throw new Error(`not welcomed: ${welcome}`);
  const mine = createChallenge();
  frames.send(mine.frame);
  const wrong = verifyAnswer(key, mine.message, (await frames.next())!);
  if (wrong) throw new Error(wrong);
  frames.send(WELCOME);
}
