import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlockError } from 'weft/errors';
import { Event, setExcepthook, Thread, Value } from 'weft/threading';
import { holdValueLock, readValue } from '../fixtures/virtual_tasks.js';

const T = { timeout: 30_000 };

describe('blocking reads in virtual threads', () => {
  it(
    'a Value read that would block the isolate its lock holder runs on throws DeadlockError',
    T,
    async () => {
      const v = new Value('i', 7);
      const held = new Event();
      const release = new Event();
      const go = new Event();
      const errors: unknown[] = [];
      const previous = setExcepthook((a) => errors.push(a.excValue));
      try {
        const holder = new Thread({ target: holdValueLock, args: [v, held, release] });
        holder.start();
        assert.ok(await held.wait({ timeout: 10_000 }));
        // Start readers until one runs on the holder's isolate (the others run elsewhere).
        const out = new Int32Array(new SharedArrayBuffer(4 * 16));
        const readers: Thread[] = [];
        for (let i = 0; i < 16; i++) {
          const r = new Thread({ target: readValue, args: [v, go, out, i] });
          r.start();
          readers.push(r);
          if (r.nativeId === holder.nativeId) break;
        }
        const sameIsolate = readers.findIndex((r) => r.nativeId === holder.nativeId);
        assert.ok(sameIsolate >= 0, 'a reader runs on the holder isolate');
        go.set();
        await new Promise((resolve) => setTimeout(resolve, 50));
        release.set();
        assert.equal(await holder.join({ timeout: 5000 }), true, 'the holder was not blocked');
        for (const r of readers) assert.equal(await r.join({ timeout: 5000 }), true);
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof DeadlockError, String(errors[0]));
        assert.match((errors[0] as Error).message, /same isolate/);
        readers.forEach((r, i) => {
          if (i !== sameIsolate) assert.equal(out[i], 7, `${r.name} read the value`);
        });
      } finally {
        setExcepthook(previous);
      }
    },
  );
});
