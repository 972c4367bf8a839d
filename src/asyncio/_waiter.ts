/**
 * The one waiting mechanism every asyncio primitive is built on: a doubly linked list of
 * waiter nodes. A waiter is granted directly by the party that frees the resource (the
 * releaser hands the lock to the head waiter), so a woken waiter never races a newcomer.
 * A waiter that times out or is aborted unlinks itself in O(1) before anything else
 * happens, so it can never absorb a wakeup meant for another.
 * @internal
 */

/** Settles a waiter whose timeout passed (it has already left its list). */
export type OnTimeout<T> = (waiter: Waiter<T>) => void;

/** `setTimeout` holds at most 2^31−1 ms; longer timeouts re-arm until their deadline. */
const MAX_TIMER_MS = 2_147_483_647;

/** What only a waiter with a timeout or a signal needs, kept apart to keep waiters small. */
class Watch<T> {
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  deadline = 0;
  onTimeout: OnTimeout<T> | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  scope: AbortSignal | undefined = undefined;
}

/** One parked caller. */
export class Waiter<T> {
  prev: Waiter<T> | null = null;
  next: Waiter<T> | null = null;
  list: WaiterList<T> | null = null;
  /** What the caller brought along (an item to put, an index...). */
  data: unknown = undefined;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  /** Timer and abort listeners, when the caller has a timeout or a signal. */
  watch: Watch<T> | undefined = undefined;

  /** Leaves the list, stops the timer and listeners, and resolves the caller. */
  settle(value: T): void {
    this.detach();
    this.resolve(value);
  }

  /** Leaves the list, stops the timer and listeners, and rejects the caller. */
  fail(reason: unknown): void {
    this.detach();
    this.reject(reason);
  }

  detach(): void {
    this.list?.remove(this);
    const watch = this.watch;
    if (watch === undefined) return;
    this.watch = undefined;
    if (watch.timer !== undefined) clearTimeout(watch.timer);
    watch.signal?.removeEventListener('abort', this);
    watch.scope?.removeEventListener('abort', this);
  }

  /** The abort listener (an EventListener object: no closure per waiter). */
  handleEvent(event: Event): void {
    this.fail((event.target as AbortSignal).reason);
  }
}

function onTimer(waiter: Waiter<any>): void {
  const watch = waiter.watch!;
  const left = watch.deadline - performance.now();
  if (left > MAX_TIMER_MS) {
    watch.timer = setTimeout(onTimer, MAX_TIMER_MS, waiter);
    return;
  }
  watch.timer = undefined;
  const onTimeout = watch.onTimeout!;
  waiter.detach();
  onTimeout(waiter);
}

/** A FIFO of waiters with O(1) push, shift and removal of any node. */
export class WaiterList<T> {
  head: Waiter<T> | null = null;
  tail: Waiter<T> | null = null;
  size = 0;

  push(waiter: Waiter<T>): void {
    waiter.list = this;
    waiter.prev = this.tail;
    if (this.tail === null) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.size++;
  }

  remove(waiter: Waiter<T>): void {
    if (waiter.list !== this) return;
    const { prev, next } = waiter;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    waiter.prev = waiter.next = null;
    waiter.list = null;
    this.size--;
  }

  /** Removes the head waiter without settling it; the caller settles it. */
  shift(): Waiter<T> | null {
    const head = this.head;
    if (head !== null) this.remove(head);
    return head;
  }

  /** Grants `value` to the head waiter; `false` when nobody waits. */
  grant(value: T): boolean {
    const head = this.head;
    if (head === null) return false;
    head.settle(value);
    return true;
  }

  /** Grants `value` to every waiter, in order. */
  grantAll(value: T): void {
    while (this.grant(value));
  }

  /** Rejects every waiter with an error made by `error` (one per waiter), in order. */
  failAll(error: () => unknown): void {
    for (let w = this.head; w !== null; w = this.head) w.fail(error());
  }
}

/** The waiter whose promise is being made: `capture` runs synchronously inside `new Promise`. */
let creating: Waiter<any> | undefined;

/** One shared promise executor, so that parking allocates no closure. */
function capture(resolve: (value: any) => void, reject: (reason: unknown) => void): void {
  creating!.resolve = resolve;
  creating!.reject = reject;
  creating = undefined;
}

/**
 * Parks the caller on `list` (or on no list, for a plain timer) until it is granted, its
 * timeout passes (`onTimeout` then settles it; `timeout` 0 settles it at once without
 * parking), or `signal` or the cancel-scope signal `scope` aborts (it rejects with the
 * reason). `data` rides along on the waiter for the granting side.
 */
export function park<T>(
  list: WaiterList<T> | null,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  scope: AbortSignal | undefined,
  onTimeout: OnTimeout<T>,
  data?: unknown,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (scope?.aborted) return Promise.reject(scope.reason);
  const waiter = new Waiter<T>();
  waiter.data = data;
  creating = waiter;
  const promise = new Promise<T>(capture);
  if (timeout === 0) {
    onTimeout(waiter);
    return promise;
  }
  if (list !== null) list.push(waiter);
  if (timeout === undefined && signal === undefined && scope === undefined) return promise;
  const watch = new Watch<T>();
  waiter.watch = watch;
  if (timeout !== undefined) {
    watch.onTimeout = onTimeout;
    watch.deadline = performance.now() + timeout;
    watch.timer = setTimeout(onTimer, Math.min(timeout, MAX_TIMER_MS), waiter as Waiter<any>);
  }
  if (signal !== undefined) {
    watch.signal = signal;
    signal.addEventListener('abort', waiter);
  }
  if (scope !== undefined && scope !== signal) {
    watch.scope = scope;
    scope.addEventListener('abort', waiter);
  }
  return promise;
}

/** An {@link OnTimeout} that resolves the caller with `false` (Python's timed-out result). */
export function resolveFalse(waiter: Waiter<any>): void {
  waiter.resolve(false);
}
