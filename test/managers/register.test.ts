import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, ValueError } from 'weft/errors';
import { BaseManager } from 'weft/managers';
import { registryOf } from '../../src/managers/registry.js';
import { AUTHKEY, T } from './_helpers.js';

describe('managers: register', () => {
  it(
    'registers per subclass: a subclass inherits, and never changes its parent or siblings',
    T,
    () => {
      class Parent extends BaseManager {}
      Parent.register('a', () => 1);
      class Child extends Parent {}
      class Sibling extends Parent {}
      Child.register('b', () => 2);
      Parent.register('c', () => 3);
      const names = (cls: object) => [...registryOf(cls).keys()].sort();
      assert.deepEqual(names(Parent), ['a', 'c']);
      assert.deepEqual(names(Child), ['a', 'b'], 'copied from the parent at its first register');
      assert.deepEqual(names(Sibling), ['a', 'c'], 'a class without registrations sees its parent');
      assert.deepEqual(names(BaseManager), []);
      const child = new Child({ authkey: AUTHKEY }) as unknown as Record<string, unknown>;
      const parent = new Parent({ authkey: AUTHKEY }) as unknown as Record<string, unknown>;
      assert.equal(typeof child.b, 'function');
      assert.equal(parent.b, undefined);
      assert.equal((child.b as Function).name, 'b');
      assert.equal(
        (new BaseManager({ authkey: AUTHKEY }) as never as Record<string, unknown>).a,
        undefined,
      );
    },
  );

  it(
    'registering again replaces; a typeid registered on BaseManager itself reaches every manager',
    T,
    () => {
      class M extends BaseManager {}
      M.register('x', () => 1);
      M.register('x', () => 2);
      assert.equal(registryOf(M).get('x')!.callable!(), 2);
      BaseManager.register('everywhere', () => 'here');
      try {
        M.register('everywhere', () => 'mine');
        assert.equal(registryOf(M).get('everywhere')!.callable!(), 'mine');
        class Other extends BaseManager {}
        assert.equal(registryOf(Other).get('everywhere')!.callable!(), 'here');
        assert.equal(
          typeof (new Other({ authkey: AUTHKEY }) as never as Record<string, unknown>).everywhere,
          'function',
        );
      } finally {
        delete (BaseManager.prototype as never as Record<string, unknown>).everywhere;
        (registryOf(BaseManager) as Map<string, unknown>).delete('everywhere');
      }
    },
  );

  it('createMethod: false registers without adding a method', T, () => {
    class M extends BaseManager {}
    M.register('Iterator', undefined, { createMethod: false });
    assert.ok(registryOf(M).has('Iterator'));
    assert.equal(
      (new M({ authkey: AUTHKEY }) as never as Record<string, unknown>).Iterator,
      undefined,
    );
    M.register('connect', undefined, { createMethod: false });
    assert.ok(registryOf(M).has('connect'));
  });

  it('refuses what it cannot use, naming the parameter', T, () => {
    class M extends BaseManager {}
    assert.throws(
      () => M.register(1 as never),
      (e) => e instanceof ArgumentTypeError && /typeid must be a string, got 1/.test(e.message),
    );
    assert.throws(() => M.register(''), ValueError);
    assert.throws(
      () => M.register('x', 'f' as never),
      /callable must be a function \(or undefined\), got string 'f'/,
    );
    assert.throws(
      () => M.register('connect'),
      /typeid must be a name that does not hide a member of BaseManager/,
    );
    assert.throws(() => M.register('toString'), ValueError);
    assert.throws(
      () => M.register('x', undefined, { exposd: [] } as never),
      /did you mean 'exposed'/,
    );
    assert.throws(
      () => M.register('x', undefined, { method_to_typeid: {} } as never),
      /weft calls it 'methodToTypeid'/,
    );
    assert.throws(
      () => M.register('x', undefined, { exposed: 'inc' as never }),
      /options\.exposed must be an array of method names/,
    );
    assert.throws(
      () => M.register('x', undefined, { exposed: [3 as never] }),
      /options\.exposed\[0\] must be a string, got 3/,
    );
    assert.throws(
      () => M.register('x', undefined, { exposed: ['then'] }),
      /options\.exposed\[0\] must be a method name a proxy may carry, got string 'then'/,
    );
    assert.throws(() => M.register('x', undefined, { exposed: ['_callmethod'] }), ValueError);
    assert.throws(
      () => M.register('x', undefined, { methodToTypeid: { a: 1 } as never }),
      /options\.methodToTypeid\.a must be a typeid/,
    );
    assert.throws(
      () => M.register('x', undefined, { createMethod: 'no' as never }),
      /options\.createMethod must be a boolean/,
    );
    assert.equal(registryOf(M).size, 0, 'nothing half-registered');
  });
});
