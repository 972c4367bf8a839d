import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapturedOutput } from '../../examples/_seed.js';
import seed from '../../examples/s39_subprocess.js';

describe('S39 subprocess', () => {
  it("prints call()'s exit code, then communicate()'s exit code, output and error", {
    timeout: 30_000,
  }, async () => {
    const out = new CapturedOutput();
    const summary = await seed.run(out, { quick: true });
    assert.equal(seed.id, 'S39');
    assert.deepEqual(out.lines.slice(0, 3), [
      '$ nslookup www.python.org',
      'Exit code: 0',
      '$ nslookup',
    ]);
    assert.equal(out.lines[3], 'Exit code: 0');
    assert.match(out.text, /Output: Server:\t\t127\.0\.0\.53\n/);
    assert.match(out.text, /python\.org\tmail exchanger = 50 mail\.python\.org\.\n/);
    assert.equal(out.lines.at(-1), 'Error: ');
    assert.equal(
      summary,
      'call() returned exit code 0; communicate() fed 3 commands and got an MX answer, exit code 0',
    );
  });
});
