/**
 * What the broker's objects share: the call being served, the owner making it, and the
 * interface every served object implements.
 */

/**
 * A thread of some process of the tree, as the broker knows it: `pid:threadId`. Lock
 * ownership (RLock, Condition) and semaphore permits are recorded per owner; when the last
 * connection of an owner closes, the owner is gone and what it held is released.
 */
export class Owner {
  /** Live connections speaking for this owner (its own, and its sync helper's). */
  connections = 0;
  /** Objects holding something for this owner, told when it is gone. */
  readonly holdings = new Set<Served>();
  /** The owner's own connection (not its sync helper's), while it is open. */
  asyncPeer: { processed: number } | undefined;
  /** Blocking requests waiting until the own connection has processed `after` messages. */
  fenced: { after: number; run: () => void }[] = [];

  /**
   * Runs `run` once the owner's own connection has processed `after` messages: a blocking
   * request (on the helper's connection) never overtakes what the thread sent before it.
   */
  afterAsync(after: number, run: () => void): void {
    if (!this.asyncPeer || this.asyncPeer.processed >= after) run();
    else this.fenced.push({ after, run });
  }

  /** The own connection processed another message (or closed: `processed` Infinity). */
  progressed(processed: number): void {
    if (this.fenced.length === 0) return;
    const ready = this.fenced.filter((f) => f.after <= processed);
    if (ready.length === 0) return;
    this.fenced = this.fenced.filter((f) => f.after > processed);
    for (const f of ready) f.run();
  }

  constructor(
    readonly pid: number,
    readonly tid: number,
  ) {}

  get key(): string {
    return `${this.pid}:${this.tid}`;
  }

  hold(obj: Served): void {
    this.holdings.add(obj);
  }

  unhold(obj: Served): void {
    this.holdings.delete(obj);
  }
}

/** The connection a call came on, as a served object sees it. */
export interface Peer {
  /** Aborted when the connection closes (its owner's pending calls end with it). */
  readonly signal: AbortSignal;
}

/** One request being served. */
export class Call {
  #controller: AbortController | undefined;

  constructor(
    readonly peer: Peer,
    readonly owner: Owner,
  ) {}

  /** Aborted when the caller cancels this request or its connection closes. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      const controller = this.#controller;
      const onClose = (): void => controller.abort(this.peer.signal.reason);
      if (this.peer.signal.aborted) onClose();
      else this.peer.signal.addEventListener('abort', onClose, { once: true });
    }
    return this.#controller.signal;
  }

  /** Whether anything waits on {@link signal} (only then can the call be cancelled). */
  get cancellable(): boolean {
    return this.#controller !== undefined;
  }

  /** Cancels the call: what waits on its signal rejects with `reason`. */
  cancel(reason: unknown): void {
    this.#controller?.abort(reason);
  }
}

/** An object the broker serves. */
export interface Served {
  /**
   * Runs `method` for `call`. Returns the result or a promise of it; throws (or rejects)
   * with the error the caller gets. Unknown methods throw.
   */
  call(call: Call, method: string, args: unknown[]): unknown;
  /** The owner ended: release what it held. */
  ownerGone?(owner: Owner): void;
  /** Every thread of process `pid` ended. */
  pidGone?(pid: number): void;
  /** The object is dropped (its manager shut down): fail whoever waits on it. */
  dispose?(reason: Error): void;
}

/** The error for a method a served object does not have. */
export function unknownMethod(kind: string, method: string): never {
  throw new TypeError(`the broker's ${kind} has no method '${method}'`);
}

/** An `onTimeout` for `park` that resolves the caller with 0 (an acquire that timed out). */
export function resolveZero(waiter: { resolve(value: number): void }): void {
  waiter.resolve(0);
}
