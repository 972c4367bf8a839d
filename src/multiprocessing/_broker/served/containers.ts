/**
 * The broker's containers for `Manager()`: `dict`, `list` and `Namespace`. Values are kept as
 * the bytes their senders encoded; dict keys and namespace names arrive decoded (they are
 * strings, numbers, bigints or booleans) so that they can be looked up.
 */
import { IndexError, ValueError } from '../../../errors.js';
import { type Encoded, sameEncoded } from '../wire.js';
import { type Call, type Served, unknownMethod } from './served.js';

type Bytes = Encoded;
const sameBytes = sameEncoded;

/** A dict, and a Namespace (a dict whose keys are attribute names). */
export class ServedDict implements Served {
  readonly #map = new Map<unknown, Bytes>();

  constructor(
    readonly kind: string,
    entries: [unknown, Bytes][] = [],
  ) {
    for (const [k, v] of entries) this.#map.set(k, v);
  }

  call(_call: Call, method: string, args: unknown[]): unknown {
    const map = this.#map;
    switch (method) {
      case 'get':
        return map.has(args[0]) ? [true, map.get(args[0])] : [false];
      case 'set':
        map.set(args[0], args[1] as Bytes);
        return undefined;
      case 'has':
        return map.has(args[0]);
      case 'delete':
        return map.delete(args[0]);
      case 'pop': {
        if (!map.has(args[0])) return [false];
        const value = map.get(args[0]);
        map.delete(args[0]);
        return [true, value];
      }
      case 'setdefault':
        if (!map.has(args[0])) map.set(args[0], args[1] as Bytes);
        return map.get(args[0]);
      case 'update':
        for (const [k, v] of args[0] as [unknown, Bytes][]) map.set(k, v);
        return undefined;
      case 'keys':
        return [...map.keys()];
      case 'values':
        return [...map.values()];
      case 'items':
        return [...map.entries()];
      case 'len':
        return map.size;
      case 'clear':
        map.clear();
        return undefined;
      default:
        return unknownMethod(this.kind, method);
    }
  }
}

/** A list. Indexes arrive checked and made non-negative by the proxy, except where noted. */
export class ServedList implements Served {
  #items: Bytes[];

  constructor(items: Bytes[] = []) {
    this.#items = items;
  }

  #at(i: number): number {
    const n = this.#items.length;
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new IndexError('list index out of range');
    return j;
  }

  call(_call: Call, method: string, args: unknown[]): unknown {
    const items = this.#items;
    switch (method) {
      case 'append':
        items.push(args[0] as Bytes);
        return undefined;
      case 'extend':
        items.push(...(args[0] as Bytes[]));
        return undefined;
      case 'get':
        return items[this.#at(args[0] as number)];
      case 'set':
        items[this.#at(args[0] as number)] = args[1] as Bytes;
        return undefined;
      case 'insert': {
        const n = items.length;
        let i = args[0] as number;
        i = i < 0 ? Math.max(0, i + n) : Math.min(i, n);
        items.splice(i, 0, args[1] as Bytes);
        return undefined;
      }
      case 'pop': {
        if (items.length === 0) throw new IndexError('pop from empty list');
        const i = args[0] === undefined ? items.length - 1 : this.#at(args[0] as number);
        return items.splice(i, 1)[0];
      }
      case 'index': {
        const i = items.findIndex((b) => sameBytes(b, args[0] as Bytes));
        if (i < 0) throw new ValueError('value is not in list');
        return i;
      }
      case 'count':
        return items.filter((b) => sameBytes(b, args[0] as Bytes)).length;
      case 'remove': {
        const i = items.findIndex((b) => sameBytes(b, args[0] as Bytes));
        if (i < 0) throw new ValueError('list.remove(x): x not in list');
        items.splice(i, 1);
        return undefined;
      }
      case 'reverse':
        items.reverse();
        return undefined;
      case 'clear':
        this.#items = [];
        return undefined;
      case 'len':
        return items.length;
      case 'all':
        return items.slice();
      default:
        return unknownMethod('list', method);
    }
  }
}
