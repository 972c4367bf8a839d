/** `weft demo`, run as users run it: the `weft` bin from the package's dist. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const T = { timeout: 60_000 } as const;

function weft(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 55_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('weft demo', () => {
  it('--list names every seed program in seed order', T, async () => {
    const { code, stdout } = await weft('demo', '--list');
    assert.equal(code, 0);
    const ids = stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]!);
    for (const id of ['S01', 'S12', 'S21', 'S39', 'S46', 'S53', 'S60', 'S63', 'S70', 'S71', 'S80'])
      assert.ok(ids.includes(id), `${id} is listed`);
    const numbers = ids.map((id) => Number(id.slice(1)));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
    );
  });

  it('runs one seed by id (any case), beside what Python showed, with its time', T, async () => {
    const { code, stdout } = await weft('demo', 's51');
    assert.equal(code, 0, stdout);
    assert.match(stdout, /── S51 · /);
    assert.match(stdout, /Python showed: /);
    assert.match(stdout, /weft shows: {4}.+ \[\d+\.\d\d s\]/);
    assert.match(stdout, /^1\/1 seed programs ran in \d+\.\d s$/m);
  });

  it('an unknown seed id exits with 2 and says how to list them', T, async () => {
    const { code, stderr } = await weft('demo', 'S99');
    assert.equal(code, 2);
    assert.match(stderr, /no seed S99 \(try: weft demo --list\)/);
  });
});
