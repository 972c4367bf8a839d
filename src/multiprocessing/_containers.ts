/**
 * The container proxies of `Manager()`: `DictProxy`, `ListProxy` and `Namespace`. Their
 * values cross as queue items do; dict keys are strings, numbers, bigints or booleans.
 */
import { type Descriptor, defineShared } from '../_internal/handle.js';
import { checkInt, typeError } from '../_internal/validate.js';
import { BrokerObject } from './_broker/proxy.js';
import { decodeItem, type Encoded, encodeItem } from './_broker/wire.js';

type Key = string | number | bigint | boolean;

function checkKey(key: unknown): Key {
  const t = typeof key;
  if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') return key as Key;
  return typeError('key', 'a string, number, bigint or boolean', key);
}

/**
 * A dict held by a manager (Python's `DictProxy`), with `Map`-like async methods.
 *
 * @example
 * ```ts
 * import { Manager } from 'weft/multiprocessing';
 * await using m = Manager();
 * const d = m.dict<string, number>({ a: 1 });
 * await d.set('b', 2);
 * console.log(await d.get('a'), await d.len()); // 1 2
 * ```
 */
export class DictProxy<K extends Key = Key, V = unknown> extends BrokerObject {
  /** @internal Use `Manager().dict()`. */
  constructor(entries?: Iterable<[K, V]>, descriptor?: Descriptor) {
    super(
      'mp.dict',
      (id) => ({
        specs: [
          [
            id,
            'dict',
            [...(entries ?? [])].map(([k, v]) => [
              checkKey(k),
              encodeItem(v, `value of ${String(k)}`),
            ]),
          ],
        ],
      }),
      descriptor,
    );
  }

  /** The value for `key`, or `fallback` (default undefined) if there is none. */
  async get(key: K, fallback?: V): Promise<V | undefined> {
    const [found, b] = (await this._request('get', [checkKey(key)])) as [boolean, Encoded];
    return found ? (decodeItem(b) as V) : fallback;
  }

  /** Sets `key` to `value`. */
  async set(key: K, value: V): Promise<void> {
    await this._request('set', [checkKey(key), encodeItem(value, 'value')], undefined, true);
  }

  /** True if `key` is there. */
  async has(key: K): Promise<boolean> {
    return (await this._request('has', [checkKey(key)])) as boolean;
  }

  /** Removes `key`; true if it was there. */
  async delete(key: K): Promise<boolean> {
    return (await this._request('delete', [checkKey(key)])) as boolean;
  }

  /** Removes `key` and returns its value, or `fallback` if it was not there. */
  async pop(key: K, fallback?: V): Promise<V | undefined> {
    const [found, b] = (await this._request('pop', [checkKey(key)])) as [boolean, Encoded];
    return found ? (decodeItem(b) as V) : fallback;
  }

  /** The value of `key`, setting it to `value` first if it is not there. */
  async setdefault(key: K, value: V): Promise<V> {
    return decodeItem(
      (await this._request('setdefault', [checkKey(key), encodeItem(value, 'value')])) as Encoded,
    ) as V;
  }

  /** Sets every entry of `entries` (a Map, an iterable of pairs, or a plain object). */
  async update(entries: Iterable<[K, V]> | Record<string, V>): Promise<void> {
    const pairs =
      Symbol.iterator in Object(entries)
        ? [...(entries as Iterable<[K, V]>)]
        : Object.entries(entries);
    await this._request(
      'update',
      [pairs.map(([k, v]) => [checkKey(k), encodeItem(v, `value of ${String(k)}`)])],
      undefined,
      true,
    );
  }

  /** The keys, in insertion order. */
  async keys(): Promise<K[]> {
    return (await this._request('keys', [])) as K[];
  }

  /** The values, in insertion order. */
  async values(): Promise<V[]> {
    return ((await this._request('values', [])) as Encoded[]).map((b) => decodeItem(b) as V);
  }

  /** The `[key, value]` pairs, in insertion order. */
  async items(): Promise<[K, V][]> {
    return ((await this._request('items', [])) as [K, Uint8Array][]).map(([k, b]) => [
      k,
      decodeItem(b) as V,
    ]);
  }

  /** The number of entries. */
  async len(): Promise<number> {
    return (await this._request('len', [])) as number;
  }

  /** Removes every entry. */
  async clear(): Promise<void> {
    await this._request('clear', []);
  }

  /** A copy as a `Map` (Python's `copy()`). */
  async copy(): Promise<Map<K, V>> {
    return new Map(await this.items());
  }

  protected describe(): string {
    return `<DictProxy #${this._id}>`;
  }
}

/**
 * A list held by a manager (Python's `ListProxy`), with async methods named as Python's.
 *
 * @example
 * ```ts
 * import { Manager } from 'weft/multiprocessing';
 * await using m = Manager();
 * const l = m.list<number>([1, 2]);
 * await l.append(3);
 * console.log(await l.toArray()); // [1, 2, 3]
 * ```
 */
export class ListProxy<T = unknown> extends BrokerObject {
  /** @internal Use `Manager().list()`. */
  constructor(items?: Iterable<T>, descriptor?: Descriptor) {
    super(
      'mp.list',
      (id) => ({
        specs: [[id, 'list', [...(items ?? [])].map((v, i) => encodeItem(v, `items[${i}]`))]],
      }),
      descriptor,
    );
  }

  async #call(method: string, args: unknown[], delivery = false): Promise<unknown> {
    return this._request(method, args, undefined, delivery);
  }

  /** Adds `value` at the end. */
  async append(value: T): Promise<void> {
    await this.#call('append', [encodeItem(value, 'value')], true);
  }

  /** Adds every value of `values` at the end. */
  async extend(values: Iterable<T>): Promise<void> {
    await this.#call('extend', [[...values].map((v, i) => encodeItem(v, `values[${i}]`))], true);
  }

  /** The item at `index` (negative counts from the end); `IndexError` outside. */
  async get(index: number): Promise<T> {
    return decodeItem((await this.#call('get', [checkInt(index, 'index')])) as Encoded) as T;
  }

  /** Replaces the item at `index`. */
  async set(index: number, value: T): Promise<void> {
    await this.#call('set', [checkInt(index, 'index'), encodeItem(value, 'value')], true);
  }

  /** Inserts `value` before `index`. */
  async insert(index: number, value: T): Promise<void> {
    await this.#call('insert', [checkInt(index, 'index'), encodeItem(value, 'value')], true);
  }

  /** Removes and returns the item at `index` (default the last). */
  async pop(index?: number): Promise<T> {
    const i = index === undefined ? undefined : checkInt(index, 'index');
    return decodeItem((await this.#call('pop', [i])) as Encoded) as T;
  }

  /** The index of the first item equal to `value` (by its encoding); `ValueError` if none. */
  async index(value: T): Promise<number> {
    return (await this.#call('index', [encodeItem(value, 'value')])) as number;
  }

  /** How many items equal `value`. */
  async count(value: T): Promise<number> {
    return (await this.#call('count', [encodeItem(value, 'value')])) as number;
  }

  /** Removes the first item equal to `value`; `ValueError` if none. */
  async remove(value: T): Promise<void> {
    await this.#call('remove', [encodeItem(value, 'value')]);
  }

  /** Reverses the list in place. */
  async reverse(): Promise<void> {
    await this.#call('reverse', []);
  }

  /** Removes every item. */
  async clear(): Promise<void> {
    await this.#call('clear', []);
  }

  /** The number of items. */
  async len(): Promise<number> {
    return (await this.#call('len', [])) as number;
  }

  /** A copy of the items. */
  async toArray(): Promise<T[]> {
    return ((await this.#call('all', [])) as Encoded[]).map((b) => decodeItem(b) as T);
  }

  protected describe(): string {
    return `<ListProxy #${this._id}>`;
  }
}

/**
 * A namespace held by a manager (Python's `Namespace`): read and write its attributes as
 * properties, `ns.x = 1` and `ns.x`, each a blocking round trip. Names starting with `_` or `$`
 * stay local, as in Python's `NamespaceProxy`; a name never set reads as `undefined`.
 *
 * @example
 * ```ts
 * import { Manager } from 'weft/multiprocessing';
 * await using m = Manager();
 * const ns = m.Namespace();
 * ns.x = 10;
 * console.log(ns.x); // 10
 * ```
 */
export class Namespace extends BrokerObject {
  [name: string]: unknown;

  /** @internal Use `Manager().Namespace()`. */
  constructor(descriptor?: Descriptor) {
    super('mp.Namespace', (id) => ({ specs: [[id, 'Namespace', []]] }), descriptor);
  }

  /** @internal */
  _getAttr(name: string): unknown {
    const [found, b] = this._requestSync('get', [name]) as [boolean, Encoded];
    return found ? decodeItem(b) : undefined;
  }

  /** @internal */
  _setAttr(name: string, value: unknown): void {
    this._requestSync('set', [name, encodeItem(value, name)]);
  }

  /** The attribute names set so far. */
  names(): string[] {
    return this._requestSync('keys', []) as string[];
  }

  protected describe(): string {
    return `<Namespace #${this._id}>`;
  }
}

/** Names a Namespace never sends to the broker: its own members, and what JS asks of any object. */
const LOCAL = new Set(['then', 'toJSON', 'constructor', 'inspect', 'asymmetricMatch', 'nodeType']);

function remote(key: string | symbol, receiver: unknown): key is string {
  return (
    typeof key === 'string' &&
    receiver instanceof Namespace &&
    !LOCAL.has(key) &&
    key[0] !== '_' &&
    key[0] !== '$'
  );
}

Object.setPrototypeOf(
  Namespace.prototype,
  new Proxy(Object.getPrototypeOf(Namespace.prototype) as object, {
    get(target, key, receiver) {
      if (remote(key, receiver) && !(key in target)) return receiver._getAttr(key);
      return Reflect.get(target, key, receiver);
    },
    set(target, key, value, receiver) {
      if (remote(key, receiver)) {
        receiver._setAttr(key, value);
        return true;
      }
      return Reflect.set(target, key, value, receiver);
    },
  }),
);

defineShared('mp.dict', (d) => new DictProxy(undefined, d));
defineShared('mp.list', (d) => new ListProxy(undefined, d));
defineShared('mp.Namespace', (d) => new Namespace(d));
