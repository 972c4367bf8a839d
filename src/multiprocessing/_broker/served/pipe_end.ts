/**
 * One end of a broker `Pipe`: the messages sent to it by the other end, and the callers
 * waiting for them. An end is held by the processes that have it (the creator, each process
 * that received it, each child it was handed to at `start()`); when the last of them closes it
 * or ends, the end is closed: its peer's `recv` fails with `EOFError` once nothing is left to
 * read, and sending to it fails with `BrokenPipeError`.
 */
import { park, resolveFalse, WaiterList } from '../../../asyncio/_waiter.js';
import { BrokenPipeError, EOFError } from '../../../errors.js';
import type { Encoded } from '../wire.js';
import { type Call, type Served, unknownMethod } from './served.js';

const eof = (): EOFError => new EOFError('the other end of the pipe was closed');

export class ServedPipeEnd implements Served {
  peer!: ServedPipeEnd;
  readonly #inbox: Encoded[] = [];
  #head = 0;
  readonly #receivers = new WaiterList<Encoded>();
  readonly #pollers = new WaiterList<boolean>();
  readonly #holders = new Set<number>();
  #closed = false;

  constructor(creator: number) {
    this.#holders.add(creator);
  }

  /** Makes the two ends of a pipe, both held by process `creator`. */
  static pair(creator: number): [ServedPipeEnd, ServedPipeEnd] {
    const a = new ServedPipeEnd(creator);
    const b = new ServedPipeEnd(creator);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  get closed(): boolean {
    return this.#closed;
  }

  call(call: Call, method: string, args: unknown[]): unknown {
    switch (method) {
      case 'send':
        if (this.peer.#closed) throw new BrokenPipeError('the other end of the pipe was closed');
        this.peer.#deliver(args[0] as Encoded);
        return undefined;
      case 'recv':
        return this.#recv(call);
      case 'poll':
        return this.#poll(call, args[0] as number | undefined);
      case 'close':
        this.release(call.owner.pid);
        return undefined;
      default:
        return unknownMethod('Connection', method);
    }
  }

  /** Process `pid` has this end too (it received it, or will as a child's argument). */
  hold(pid: number): void {
    if (!this.#closed) this.#holders.add(pid);
  }

  /** Process `pid` closed this end or ended. */
  release(pid: number): void {
    if (!this.#holders.delete(pid) || this.#holders.size > 0) return;
    this.#closed = true;
    const peer = this.peer;
    peer.#receivers.failAll(eof);
    peer.#pollers.grantAll(true);
  }

  pidGone(pid: number): void {
    this.release(pid);
  }

  #deliver(message: Encoded): void {
    if (this.#receivers.grant(message)) return;
    this.#inbox.push(message);
    this.#pollers.grantAll(true);
  }

  #recv(call: Call): Encoded | Promise<Encoded> {
    if (this.#head < this.#inbox.length) {
      const message = this.#inbox[this.#head]!;
      this.#inbox[this.#head++] = undefined as never;
      if (this.#head === this.#inbox.length) {
        this.#inbox.length = 0;
        this.#head = 0;
      }
      return message;
    }
    if (this.peer.#closed) throw eof();
    return park(this.#receivers, undefined, call.signal, undefined, resolveFalse as never);
  }

  #poll(call: Call, timeout: number | undefined): boolean | Promise<boolean> {
    if (this.#head < this.#inbox.length || this.peer.#closed) return true;
    if (timeout === 0) return false;
    return park(this.#pollers, timeout, call.signal, undefined, resolveFalse);
  }

  dispose(reason: Error): void {
    this.#receivers.failAll(() => reason);
    this.#pollers.failAll(() => reason);
  }
}
