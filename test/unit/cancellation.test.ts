import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  currentScope,
  effectiveSignal,
  linkAbort,
  outsideScope,
  runInScope,
  scopeSignal,
} from '../../src/_internal/cancellation.js';

describe('cancellation scopes', { timeout: 10_000 }, () => {
  it('outside any scope the caller signal is the effective one', () => {
    const ac = new AbortController();
    assert.equal(currentScope(), undefined);
    assert.equal(effectiveSignal(), undefined);
    assert.equal(effectiveSignal(ac.signal), ac.signal);
  });

  it('inside a scope the scope signal applies, combined with a caller signal', async () => {
    const scope = new AbortController();
    const caller = new AbortController();
    await runInScope({ task: undefined, signal: scope.signal }, async () => {
      await Promise.resolve();
      assert.equal(scopeSignal(), scope.signal);
      assert.equal(effectiveSignal(), scope.signal);
      assert.equal(effectiveSignal(scope.signal), scope.signal);
      const both = effectiveSignal(caller.signal)!;
      scope.abort('scope gone');
      assert.equal(both.aborted, true);
      assert.equal(both.reason, 'scope gone');
      outsideScope(() => assert.equal(scopeSignal(), undefined));
    });
  });

  it('linkAbort follows an outer signal and can be undone', () => {
    const outer = new AbortController();
    const inner = new AbortController();
    const unlink = linkAbort(outer.signal, inner);
    unlink();
    outer.abort('x');
    assert.equal(inner.signal.aborted, false);
    const late = new AbortController();
    linkAbort(outer.signal, late);
    assert.equal(late.signal.reason, 'x');
  });
});
