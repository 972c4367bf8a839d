import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../fixtures/daemon_main.js', import.meta.url));

function run(ms: number, kind: 'async' | 'sync'): { status: number | null; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, String(ms), kind], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  assert.equal(r.stdout, 'main done\n', r.stderr);
  return { status: r.status, ms: performance.now() - t0 };
}

describe('daemon threads', () => {
  for (const kind of ['async', 'sync'] as const) {
    it(`a running ${kind} daemon thread does not keep the process alive`, {
      timeout: 30_000,
    }, () => {
      const r = run(10_000, kind);
      assert.equal(r.status, 0);
      assert.ok(r.ms < 8_000, `exited after ${r.ms} ms`);
    });

    it(`the process exits once a short ${kind} daemon thread has ended`, {
      timeout: 30_000,
    }, () => {
      const r = run(10, kind);
      assert.equal(r.status, 0, 'exited by itself (not killed by the spawn timeout)');
      assert.ok(r.ms < 8_000, `exited after ${r.ms} ms`);
    });
  }
});
