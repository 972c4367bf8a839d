/**
 * `arr[i]` and `arr[i] = v` for weft's array classes (thread and process arrays): a Proxy
 * placed in the prototype chain (between the class's prototype and its parent's) receives the
 * lookups of numeric keys the instance does not have and turns them into `get`/`set`. The
 * instance itself stays an ordinary object, so it still crosses by structured clone or
 * `node:v8` (a Proxy would not).
 */

const INDEX = /^(?:0|[1-9]\d*)$/;

interface Indexed {
  get(index: number): unknown;
  set(index: number, value: never): void;
}

/** Makes `arr[i]` call `arr.get(i)` and `arr[i] = v` call `arr.set(i, v)` for instances of `cls`. */
export function installIndexAccess(cls: abstract new (...args: never[]) => Indexed): void {
  Object.setPrototypeOf(
    cls.prototype,
    new Proxy(Object.getPrototypeOf(cls.prototype) as object, {
      get(target, key, receiver) {
        if (typeof key === 'string' && INDEX.test(key) && receiver instanceof cls)
          return receiver.get(Number(key));
        return Reflect.get(target, key, receiver);
      },
      set(target, key, value, receiver) {
        if (typeof key === 'string' && INDEX.test(key) && receiver instanceof cls) {
          receiver.set(Number(key), value as never);
          return true;
        }
        return Reflect.set(target, key, value, receiver);
      },
    }),
  );
}
