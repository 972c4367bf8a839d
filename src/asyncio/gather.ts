import { scopeSignal } from '../_internal/cancellation.js';
import { checkBoolean, checkOptions } from '../_internal/validate.js';
import { checkAwaitable, isPlainOptions } from './_awaitable.js';
import { Task } from './task.js';

/**
 * Options of {@link gather}, given as its last argument.
 *
 * @example
 * ```ts
 * import { gather, type GatherOptions } from 'weft/asyncio';
 * const opts: GatherOptions = { returnExceptions: true };
 * const results = await gather(Promise.reject(new Error('x')), Promise.resolve(1), opts);
 * ```
 */
export interface GatherOptions {
  /** Put failures in the results instead of rejecting on the first one. */
  returnExceptions?: boolean | undefined;
}

/**
 * The awaitables of a {@link gather} call, typed by their results.
 *
 * @example
 * ```ts
 * import type { Awaitables } from 'weft/asyncio';
 * const aws: Awaitables<[number, string]> = [Promise.resolve(1), Promise.resolve('a')];
 * ```
 */
export type Awaitables<T extends readonly unknown[]> = { [K in keyof T]: PromiseLike<T[K]> };

/**
 * Runs awaitables concurrently and collects their results in input order (Python's
 * `asyncio.gather`). The last argument may be an options object (a plain object without
 * `then`). Without `returnExceptions` the first failure rejects the gather and the others
 * keep running; with it, failures (`CancelledError` included) take their places in the
 * results. If the task or scope awaiting the gather is cancelled, the child Tasks are
 * cancelled and the gather rejects once they have finished.
 *
 * @example
 * ```ts
 * import { gather, createTask, sleep } from 'weft/asyncio';
 * const [a, b] = await gather(sleep(20, { result: 'a' }), createTask(async () => 'b'));
 * const results = await gather(Promise.reject(new Error('x')), Promise.resolve(1), {
 *   returnExceptions: true,
 * }); // [Error: x, 1]
 * ```
 */
export function gather<T extends readonly unknown[]>(...aws: Awaitables<T>): Promise<T>;
export function gather<T extends readonly unknown[]>(
  ...args: [...Awaitables<T>, GatherOptions & { returnExceptions: true }]
): Promise<{ -readonly [K in keyof T]: T[K] | Error }>;
export function gather<T extends readonly unknown[]>(
  ...args: [...Awaitables<T>, GatherOptions]
): Promise<T>;
export function gather(...args: unknown[]): Promise<unknown[]> {
  let returnExceptions = false;
  if (args.length > 0 && isPlainOptions(args[args.length - 1])) {
    const opts = checkOptions(args.pop() as GatherOptions, 'options', ['returnExceptions']);
    if (opts.returnExceptions !== undefined)
      returnExceptions = checkBoolean(opts.returnExceptions, 'returnExceptions');
  }
  const aws = args.map((aw, i) => checkAwaitable(aw, `aws[${i}]`));
  if (aws.length === 0) return Promise.resolve([]);
  const scope = scopeSignal();
  return new Promise<unknown[]>((resolve, reject) => {
    const results = new Array<unknown>(aws.length);
    let remaining = aws.length;
    let finished = false;
    const finish = (): void => {
      finished = true;
      scope?.removeEventListener('abort', onCancel);
    };
    const onCancel = (): void => {
      if (finished) return;
      finish();
      const children = aws.filter((aw): aw is Task<unknown> => aw instanceof Task);
      for (const child of children) child.cancel();
      Promise.allSettled(children).then(() => reject(scope!.reason));
    };
    const place = (i: number, value: unknown): void => {
      results[i] = value;
      if (--remaining === 0 && !finished) {
        finish();
        resolve(results);
      }
    };
    aws.forEach((aw, i) => {
      aw.then(
        (value) => place(i, value),
        (err: unknown) => {
          if (returnExceptions) place(i, err);
          else if (!finished) {
            finish();
            reject(err);
          }
        },
      );
    });
    if (scope !== undefined) {
      if (scope.aborted) onCancel();
      else scope.addEventListener('abort', onCancel, { once: true });
    }
  });
}
