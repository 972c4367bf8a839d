import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as root from 'weft';
import * as direct from 'weft/threading';

describe('weft/threading exports', () => {
  it('is a namespace of the root module, like every module', { timeout: 10_000 }, () => {
    assert.equal(root.threading.Thread, direct.Thread);
    assert.equal(root.threading.Lock, direct.Lock);
    assert.equal('Thread' in root, false);
  });
});
