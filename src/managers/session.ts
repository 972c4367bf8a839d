/**
 * The server's side of one authenticated connection (Python's `Server.serve_client`): reads
 * requests, runs registered callables and exposed methods, keeps the objects its client holds
 * proxies for, and replies. Requests run as they arrive; replies carry their request's id, so
 * a slow async callable does not hold up the calls behind it.
 *
 * Objects belong to their connection: when it closes, every object it held is released, so a
 * client that dies without releasing its proxies leaves nothing behind on the server.
 */
import type { FramedSocket } from './connection.js';
import { encodeMessage, PROTOCOL, parseRequest, type Request } from './messages.js';
import { exposedOf, type Registration } from './registry.js';
import { toWire } from './values.js';

/** What a session needs from its server. */
export interface SessionHost {
  /** The registration of `typeid`, if any. */
  lookup(typeid: string): Registration | undefined;
  readonly maxMessageSize: number;
  /** Close a connection idle (no request running) this long; `undefined`: never. */
  readonly idleTimeout: number | undefined;
  /** A client asked the server to stop; its reply has been written. */
  requestShutdown(): void;
}

/** An object the client holds a proxy for. */
interface Held {
  readonly obj: any;
  readonly typeid: string;
  readonly exposed: ReadonlySet<string>;
  readonly registration: Registration;
}

/** Requests running at once on one connection before it stops reading more. */
const MAX_IN_FLIGHT = 256;

type Outgoing = readonly unknown[];

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Serves one authenticated connection. */
export class Session {
  readonly #conn: FramedSocket;
  readonly #host: SessionHost;
  readonly #objects = new Map<number, Held>();
  #nextRef = 1;
  #inFlight = 0;
  #paused = false;

  constructor(conn: FramedSocket, host: SessionHost) {
    this.#conn = conn;
    this.#host = host;
    const socket = conn.socket;
    socket.on('drain', () => this.#flowControl());
    if (host.idleTimeout !== undefined) {
      // Node's socket timer is not re-armed by activity once it has fired: a timeout while a
      // call runs is ignored, and the timer restarts when the last running call finishes.
      socket.on('timeout', () => {
        if (this.#inFlight === 0) conn.destroy();
      });
      socket.setTimeout(host.idleTimeout);
    }
    void conn.closed.then(() => this.#objects.clear());
    conn.receive(host.maxMessageSize, (frame) => this.#onFrame(frame));
  }

  /** Objects this connection holds proxies for. */
  get objectCount(): number {
    return this.#objects.size;
  }

  #onFrame(frame: Buffer): void {
    let request: Request;
    try {
      request = parseRequest(frame);
    } catch (err) {
      // Not weft's protocol (a CPython client sends pickles here), or corrupt: no reply can
      // be addressed, so the connection ends.
      this.#conn.destroy(err as Error);
      return;
    }
    this.#inFlight++;
    this.#flowControl();
    this.#handle(request).then(
      (reply) => this.#finish(request, reply),
      (err) => this.#finish(request, [request.id, 'remote', `internal error: ${err}`]),
    );
  }

  #finish(request: Request, reply: Outgoing | undefined): void {
    if (--this.#inFlight === 0 && this.#host.idleTimeout !== undefined)
      this.#conn.socket.setTimeout(this.#host.idleTimeout);
    const sent = reply !== undefined && request.id !== 0 && this.#send(reply);
    if (request.op === 'shutdown') {
      // Stop once the reply is on its way, so that the client learns it was heard.
      if (sent) this.#conn.socket.write('', () => this.#host.requestShutdown());
      else this.#host.requestShutdown();
    }
    this.#flowControl();
  }

  #send(reply: Outgoing): boolean {
    let frame = encodeMessage(reply);
    if (frame.length > this.#host.maxMessageSize) {
      frame = encodeMessage([
        reply[0],
        'remote',
        `the reply is ${frame.length} bytes, over the server's maxMessageSize of ${this.#host.maxMessageSize}`,
      ]);
    }
    this.#conn.send(frame);
    return !this.#conn.isClosed;
  }

  /** Stops reading while too many requests run or the client is not reading its replies. */
  #flowControl(): void {
    const socket = this.#conn.socket;
    const congested = this.#inFlight >= MAX_IN_FLIGHT || socket.writableNeedDrain;
    if (congested !== this.#paused) {
      this.#paused = congested;
      if (congested) socket.pause();
      else socket.resume();
    }
  }

  async #handle(r: Request): Promise<Outgoing | undefined> {
    switch (r.op) {
      case 'hello':
        return r.protocol === PROTOCOL
          ? [r.id, 'return', { protocol: PROTOCOL }]
          : [r.id, 'remote', `this server speaks protocol ${PROTOCOL}, not ${r.protocol}`];
      case 'create': {
        const registration = this.#host.lookup(r.typeid);
        if (!registration)
          return [r.id, 'remote', `typeid '${r.typeid}' is not registered on the server`];
        const callable = registration.callable;
        if (!callable)
          return [r.id, 'remote', `typeid '${r.typeid}' has no callable on the server`];
        const what = `${r.typeid}()`;
        const args = this.#arguments(r.args, r.proxied, what);
        if (typeof args === 'string') return [r.id, 'remote', args];
        return this.#outcome(r.id, () => callable(...args), what, registration, false);
      }
      case 'call':
        return this.#call(r);
      case 'getvalue': {
        const held = this.#objects.get(r.ref);
        if (!held) return [r.id, 'remote', this.#released(r.ref)];
        return this.#value(r.id, held.obj, `${held.typeid} object`);
      }
      case 'decref':
        this.#objects.delete(r.ref);
        return [r.id, 'return', null];
      case 'shutdown':
        return [r.id, 'return', null];
    }
  }

  #call(r: Extract<Request, { op: 'call' }>): Promise<Outgoing> | Outgoing {
    const held = this.#objects.get(r.ref);
    if (!held) return [r.id, 'remote', this.#released(r.ref)];
    const what = `${held.typeid}.${r.method}()`;
    if (!held.exposed.has(r.method))
      return [
        r.id,
        'remote',
        `method '${r.method}' of ${held.typeid} object is not exposed (exposed: ${[...held.exposed].join(', ') || 'none'})`,
      ];
    const fn = held.obj[r.method];
    if (typeof fn !== 'function')
      return [r.id, 'remote', `'${r.method}' of ${held.typeid} object is not a method`];
    const target = held.registration.methodToTypeid?.[r.method];
    const registration = target === undefined ? undefined : this.#host.lookup(target);
    if (target !== undefined && !registration)
      return [r.id, 'remote', `${what} returns typeid '${target}', not registered on the server`];
    const args = this.#arguments(r.args, r.proxied, what);
    if (typeof args === 'string') return [r.id, 'remote', args];
    return this.#outcome(r.id, () => fn.apply(held.obj, args), what, registration, true);
  }

  #released(ref: number): string {
    return `no object ${ref} on this connection: its proxy was closed`;
  }

  /** The arguments with proxied ones replaced by their objects, or why that failed. */
  #arguments(args: unknown[], proxied: readonly number[], what: string): unknown[] | string {
    for (const i of proxied) {
      const held = typeof args[i] === 'number' ? this.#objects.get(args[i]) : undefined;
      if (!held) return `argument ${i} of ${what}: ${this.#released(args[i] as number)}`;
      args[i] = held.obj;
    }
    return args;
  }

  /**
   * Runs `run` and says how it went: a proxy when `registration` makes the result one, a copy
   * of the result otherwise, or the error it threw.
   */
  async #outcome(
    id: number,
    run: () => unknown,
    what: string,
    registration: Registration | undefined,
    asProxy: boolean,
  ): Promise<Outgoing> {
    let value: unknown;
    try {
      value = run();
      if (isThenable(value)) value = await value;
    } catch (err) {
      return this.#error(id, err, what);
    }
    const exposed = registration && exposedOf(value, registration, asProxy);
    if (!exposed) return this.#value(id, value, `the result of ${what}`);
    const ref = this.#nextRef++;
    this.#objects.set(ref, {
      obj: value,
      typeid: registration.typeid,
      exposed: new Set(exposed),
      registration,
    });
    return [id, 'proxy', ref, registration.typeid, exposed];
  }

  #value(id: number, value: unknown, what: string): Outgoing {
    try {
      return [id, 'return', toWire(value, 'value', `(${what})`)];
    } catch (err) {
      return [id, 'remote', (err as Error).message];
    }
  }

  #error(id: number, err: unknown, what: string): Outgoing {
    try {
      return [id, 'error', toWire(err, 'error', `raised by ${what}`)];
    } catch (encodeErr) {
      const e = err as Error;
      return [
        id,
        'remote',
        `${what} raised ${e?.name ?? typeof err}: ${e?.message ?? String(err)} (the error itself could not cross: ${(encodeErr as Error).message})`,
      ];
    }
  }
}
