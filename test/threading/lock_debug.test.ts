import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

describe('WEFT_DEBUG=locks', () => {
  it('deadlock reports say where each lock was acquired, also after waiting for it', {
    timeout: 30_000,
  }, () => {
    const script = fileURLToPath(new URL('../fixtures/lock_debug.js', import.meta.url));
    const r = spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, WEFT_DEBUG: 'locks' },
    });
    assert.equal(r.status, 0, r.stderr);
    const sites = [...r.stdout.matchAll(/\(acquired at ([^)]*\)?)\)/g)].map((m) => m[1]!);
    assert.equal(sites.length, 2, r.stdout);
    for (const site of sites) assert.match(site, /takeBoth.* \(file:.*lock_debug\.js:\d+:\d+\)$/);
  });
});
