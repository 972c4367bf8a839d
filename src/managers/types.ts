/**
 * Types that describe, at compile time, what a registered callable looks like from the client:
 * its arguments, and a Promise of its result as a copy or as a proxy.
 */
import type { BaseProxy } from './proxy.js';

/**
 * Values that always cross as copies (never as a proxy), unless `exposed` is registered.
 *
 * @example
 * ```ts
 * import type { DataValue } from 'weft/managers';
 * const v: DataValue = new Map([['a', 1]]);
 * ```
 */
export type DataValue =
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | Date
  | RegExp
  | Error
  | ArrayBuffer
  | ArrayBufferView
  | readonly unknown[]
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>;

/**
 * The names of `T`'s public methods (not starting with `_`): what a proxy of a `T` exposes by
 * default.
 *
 * @example
 * ```ts
 * import type { MethodNames } from 'weft/managers';
 * class Counter { n = 0; inc() { return ++this.n; } _reset() {} }
 * type M = MethodNames<Counter>; // 'inc'
 * ```
 */
export type MethodNames<T> = {
  [K in keyof T]-?: K extends string
    ? K extends `_${string}`
      ? never
      : T[K] extends (...args: any[]) => any
        ? K
        : never
    : never;
}[keyof T];

/**
 * Arguments `A` as a remote call takes them: each may also be a proxy of the value it stands
 * for, which the server replaces with its referent.
 *
 * @example
 * ```ts
 * import type { AutoProxy, RemoteArgs } from 'weft/managers';
 * class Counter { n = 0; add(other: Counter) { return this.n + other.n; } }
 * type A = RemoteArgs<[other: Counter]>; // [other: Counter | AutoProxy<Counter>]
 * ```
 */
export type RemoteArgs<A extends readonly unknown[]> = {
  [I in keyof A]: A[I] | RemoteResult<A[I]>;
};

/**
 * A proxy of a `T` (Python's `AutoProxy`): each public method of `T`, called remotely, resolving
 * with a copy of its result.
 *
 * @example
 * ```ts
 * import type { AutoProxy } from 'weft/managers';
 * class Counter { n = 0; inc(by = 1) { return (this.n += by); } }
 * declare const counter: AutoProxy<Counter>;
 * const n: number = await counter.inc(2);
 * ```
 */
export type AutoProxy<T> = BaseProxy & {
  [K in MethodNames<T>]: T[K] extends (...args: infer A) => infer R
    ? (...args: RemoteArgs<A>) => Promise<Awaited<R>>
    : never;
};

/**
 * What a registered callable's result `T` is on the client: a proxy when it is an object with
 * public methods, a copy otherwise.
 *
 * @example
 * ```ts
 * import type { RemoteResult } from 'weft/managers';
 * type A = RemoteResult<number>;                  // number
 * type B = RemoteResult<{ inc(): number }>;       // AutoProxy<{ inc(): number }>
 * ```
 */
export type RemoteResult<T> = T extends DataValue
  ? T
  : [MethodNames<T>] extends [never]
    ? T
    : AutoProxy<T>;

/**
 * The manager method a registration adds, typed from its callable `F`: the same arguments, and a
 * Promise of the {@link RemoteResult}. Declare it on your manager class so that TypeScript knows
 * the method `register` adds at run time.
 *
 * @example
 * ```ts
 * import { BaseManager, type RemoteCallable } from 'weft/managers';
 * const sum = (a: number, b: number) => ((a + b) * (b - a + 1)) / 2;
 * class MathManager extends BaseManager {
 *   declare sum: RemoteCallable<typeof sum>;
 * }
 * MathManager.register('sum', sum);
 * ```
 */
export type RemoteCallable<F extends (...args: any[]) => any> = (
  ...args: RemoteArgs<Parameters<F>>
) => Promise<RemoteResult<Awaited<ReturnType<F>>>>;
