import { scopeSignal } from '../_internal/cancellation.js';
import { checkOptions, checkTimeout } from '../_internal/validate.js';
import { TimeoutError } from '../errors.js';
import { checkAwaitables, whenSettled } from './_awaitable.js';
import { park, WaiterList } from './_waiter.js';

/**
 * Options of {@link asCompleted}.
 *
 * @example
 * ```ts
 * import { asCompleted, type AsCompletedOptions } from 'weft/asyncio';
 * const opts: AsCompletedOptions = { timeout: 1000 };
 * for await (const aw of asCompleted(jobs, opts)) console.log(await aw);
 * ```
 */
export interface AsCompletedOptions {
  /** Give up after this many milliseconds (from the call): the next wait throws `TimeoutError`. */
  timeout?: number | undefined;
}

/** A settled awaitable in a box: a promise resolved with a thenable would adopt it. */
interface Box<A> {
  aw: A;
}

function timedOut(): TimeoutError {
  return new TimeoutError('asCompleted timed out');
}

function onDeadline(it: AsCompleted<any>): void {
  it.expire();
}

/**
 * The iterator {@link asCompleted} returns: async-iterable over the awaitables passed in,
 * in the order they settle, and sync-iterable over promises of their results in that order.
 * Both forms draw from the same sequence.
 *
 * @example
 * ```ts
 * import { asCompleted, sleep } from 'weft/asyncio';
 * const it = asCompleted([sleep(20, { result: 'a' }), sleep(5, { result: 'b' })]);
 * const first = await it.next(); // { done: false, value: <the settled sleep(5) promise> }
 * console.log(await first.value); // 'b'
 * await it.return(); // stop early
 * ```
 */
export class AsCompleted<A extends PromiseLike<unknown>>
  implements AsyncIterableIterator<A>, Iterable<Promise<Awaited<A>>>
{
  readonly #settled: A[] = [];
  #head = 0;
  readonly #waiters = new WaiterList<Box<A>>();
  #left: number;
  readonly #total: number;
  #arrived = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #expired = false;

  /** @internal use {@link asCompleted}. */
  constructor(aws: ReadonlySet<A>, timeout: number | undefined) {
    this.#left = this.#total = aws.size;
    for (const aw of aws) whenSettled(aw, () => this.#arrive(aw));
    if (timeout !== undefined && aws.size > 0) this.#timer = setTimeout(onDeadline, timeout, this);
  }

  #arrive(aw: A): void {
    if (!this.#waiters.grant({ aw })) this.#settled.push(aw);
    if (++this.#arrived === this.#total) this.#stop();
  }

  /** @internal the deadline passed. */
  expire(): void {
    this.#timer = undefined;
    this.#expired = true;
    this.#waiters.failAll(timedOut);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The next awaitable to settle (already settled when the promise resolves), boxed. */
  #take(): Promise<Box<A>> {
    this.#left--;
    if (this.#head < this.#settled.length) {
      const aw = this.#settled[this.#head]!;
      this.#settled[this.#head++] = undefined as never;
      return Promise.resolve({ aw });
    }
    if (this.#expired) return Promise.reject(timedOut());
    const taken = park(this.#waiters, undefined, undefined, scopeSignal(), () => {});
    taken.catch(() => this.#left++);
    return taken;
  }

  /** Python 3.13's `async for aw in as_completed(aws)`: the original awaitables. */
  async next(): Promise<IteratorResult<A, undefined>> {
    if (this.#left <= 0) return { done: true, value: undefined };
    return { done: false, value: (await this.#take()).aw };
  }

  /** Ends the iteration early (a `break` out of `for await`): stops the timer. */
  async return(): Promise<IteratorResult<A, undefined>> {
    this.#left = 0;
    this.#stop();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Python's classic `for f in as_completed(aws): await f`: promises of the next result. */
  *[Symbol.iterator](): Iterator<Promise<Awaited<A>>, undefined> {
    try {
      while (this.#left > 0) yield this.#take().then((box) => box.aw) as Promise<Awaited<A>>;
    } finally {
      if (this.#left > 0) void this.return();
    }
  }
}

/**
 * Yields awaitables as they settle (Python's `asyncio.as_completed`), in two forms:
 *
 * - `for await (const aw of asCompleted(aws))` yields the original awaitables, each already
 *   settled (Python 3.13): `await aw` gives its result or throws its error.
 * - `for (const next of asCompleted(aws)) await next` gives promises, each settling like
 *   the next awaitable to complete (Python's classic form).
 *
 * With `timeout`, counted from the call, waiting past the deadline throws `TimeoutError`;
 * nothing is cancelled.
 *
 * @example
 * ```ts
 * import { asCompleted, sleep } from 'weft/asyncio';
 * const a = sleep(30, { result: 'a' });
 * const b = sleep(10, { result: 'b' });
 * for await (const aw of asCompleted([a, b])) console.log(await aw); // b, then a
 * for (const next of asCompleted([sleep(20, { result: 1 }), sleep(5, { result: 2 })]))
 *   console.log(await next); // 2, then 1
 * ```
 */
export function asCompleted<A extends PromiseLike<unknown>>(
  aws: Iterable<A>,
  options?: AsCompletedOptions,
): AsCompleted<A> {
  const set = checkAwaitables(aws, 'aws');
  const opts = checkOptions(options, 'options', ['timeout']);
  return new AsCompleted(set, checkTimeout(opts.timeout));
}
