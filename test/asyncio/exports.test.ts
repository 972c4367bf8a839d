import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as root from 'weft';
import * as direct from 'weft/asyncio';
import { T } from './_helpers.js';

describe('weft/asyncio exports', () => {
  it('is a namespace of the root module, not flattened into it', T, () => {
    assert.equal(root.asyncio.Lock, direct.Lock);
    assert.equal('Lock' in root, false);
  });

  it('exports the whole public API', T, () => {
    const names = [
      'sleep',
      'gather',
      'wait',
      'waitFor',
      'timeout',
      'timeoutAt',
      'Timeout',
      'asCompleted',
      'AsCompleted',
      'shield',
      'Task',
      'createTask',
      'currentTask',
      'TaskGroup',
      'Lock',
      'Semaphore',
      'BoundedSemaphore',
      'Event',
      'Condition',
      'Barrier',
      'Queue',
      'LifoQueue',
      'PriorityQueue',
      'FIRST_COMPLETED',
      'FIRST_EXCEPTION',
      'ALL_COMPLETED',
    ];
    for (const name of names) assert.ok(name in direct, `missing ${name}`);
    assert.deepEqual(Object.keys(direct).sort(), [...names].sort());
  });
});
