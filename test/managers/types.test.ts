import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as weft from 'weft';
import type { AutoProxy, MethodNames, RemoteCallable, RemoteResult } from 'weft/managers';
import * as managers from 'weft/managers';
import { T } from './_helpers.js';

/** `true` only when A and B are the same type. */
type Equal<A, B> =
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

class Counter {
  n = 0;
  inc(by = 1): number {
    return (this.n += by);
  }
  async later(): Promise<string> {
    return 'x';
  }
  add(other: Counter): number {
    return this.n + other.n;
  }
  _private(): void {}
}
const sumRange = (a: number, b: number): number => a + b;
const makeCounter = async (): Promise<Counter> => new Counter();

describe('managers: types', () => {
  it('RemoteCallable, RemoteResult and AutoProxy describe what the client sees', T, () => {
    const checks: [
      Equal<RemoteCallable<typeof sumRange>, (a: number, b: number) => Promise<number>>,
      Equal<RemoteResult<number[]>, number[]>,
      Equal<RemoteResult<Map<string, number>>, Map<string, number>>,
      Equal<RemoteResult<{ a: number }>, { a: number }>,
      Equal<RemoteResult<Counter>, AutoProxy<Counter>>,
      Equal<MethodNames<Counter>, 'inc' | 'later' | 'add'>,
      Equal<ReturnType<RemoteCallable<typeof makeCounter>>, Promise<AutoProxy<Counter>>>,
      Equal<ReturnType<AutoProxy<Counter>['later']>, Promise<string>>,
      Equal<Parameters<AutoProxy<Counter>['add']>, [other: Counter | AutoProxy<Counter>]>,
    ] = [true, true, true, true, true, true, true, true, true];
    assert.ok(checks.every(Boolean));
  });

  it("is exported as weft/managers and as weft's managers namespace", T, () => {
    assert.equal(weft.managers.BaseManager, managers.BaseManager);
    assert.equal(managers.AuthenticationError, weft.AuthenticationError);
    assert.equal(managers.RemoteError, weft.RemoteError);
    assert.deepEqual(Object.keys(managers).sort(), [
      'AuthenticationError',
      'BaseManager',
      'BaseProxy',
      'RemoteError',
      'Server',
    ]);
  });
});
