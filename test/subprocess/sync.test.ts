import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CalledProcessError, TimeoutExpired } from 'weft/errors';
import {
  CompletedProcess,
  callSync,
  checkCallSync,
  checkOutputSync,
  getoutputSync,
  getstatusoutputSync,
  PIPE,
  runSync,
  STDOUT,
} from 'weft/subprocess';
import { exists, nodeArgs } from './_helpers.js';

const T = { timeout: 20_000 };

describe('the *Sync twins', () => {
  it('runSync returns a CompletedProcess with the status and the output', T, () => {
    const args = nodeArgs('process.stdout.write("o"); process.stderr.write("e"); process.exit(2)');
    const r = runSync(args, { capture: true });
    assert.ok(r instanceof CompletedProcess);
    assert.deepEqual(r.args, args);
    assert.equal(r.returncode, 2);
    assert.equal(r.stdout.toString(), 'o');
    assert.equal(r.stderr.toString(), 'e');
    const text = runSync(args, { capture: true, text: true });
    assert.equal(text.stdout, 'o');
    assert.equal(runSync(nodeArgs('')).stdout, null);
  });

  it('runSync sends input, and check raises CalledProcessError', T, () => {
    const echo = nodeArgs('process.stdin.pipe(process.stdout)');
    assert.equal(runSync(echo, { input: 'hi', capture: true, text: true }).stdout, 'hi');
    assert.throws(
      () => runSync(nodeArgs('process.exit(5)'), { check: true }),
      (err: unknown) => {
        assert.ok(err instanceof CalledProcessError);
        assert.equal(err.returncode, 5);
        return true;
      },
    );
  });

  it('runSync is not troubled by a child that exits without reading its input', T, () => {
    const r = runSync(nodeArgs('process.stdout.write("hi"); process.exit(4)'), {
      input: Buffer.alloc(4 * 1024 * 1024),
      capture: true,
      text: true,
    });
    assert.equal(r.returncode, 4);
    assert.equal(r.stdout, 'hi');
  });

  it('runSync with STDOUT gives stdout then stderr', T, () => {
    const r = runSync(nodeArgs('console.log("o"); console.error("e")'), {
      stdout: PIPE,
      stderr: STDOUT,
      text: true,
    });
    assert.equal(r.stdout, 'o\ne\n');
    assert.equal(r.stderr, null);
  });

  it('runSync timeout kills and reaps the child and raises with the output so far', T, () => {
    const err = (() => {
      try {
        runSync(['/bin/sh', '-c', 'echo $$; exec sleep 30'], {
          capture: true,
          text: true,
          timeout: 500,
        });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof TimeoutExpired);
    assert.equal(err.timeout, 500);
    const pid = Number(String(err.output).trim());
    assert.ok(pid > 0);
    assert.equal(exists(pid), false);
    assert.throws(() => runSync(['sleep', '30'], { timeout: 0 }), TimeoutExpired);
  });

  it('a missing program throws ENOENT naming it; signals give negative returncodes', T, () => {
    assert.throws(() => runSync(['no-such-program-weft']), {
      code: 'ENOENT',
      message: /no-such-program-weft/,
    });
    assert.throws(() => runSync(['no-such-program-weft'], { stdout: PIPE, stderr: STDOUT }), {
      code: 'ENOENT',
    });
    assert.throws(() => runSync(nodeArgs(''), { cwd: '/no/such/dir/weft' }), /working directory/);
    assert.equal(runSync(['/bin/sh', '-c', 'kill -TERM $$']).returncode, -15);
  });

  it('callSync, checkCallSync, checkOutputSync, getstatusoutputSync, getoutputSync', T, () => {
    assert.equal(callSync(nodeArgs('process.exit(6)')), 6);
    assert.equal(checkCallSync(nodeArgs('')), 0);
    assert.throws(() => checkCallSync(nodeArgs('process.exit(1)')), CalledProcessError);
    assert.equal(checkOutputSync(nodeArgs('console.log(1)'), { text: true }), '1\n');
    assert.equal(checkOutputSync(['/bin/sh', '-c', 'printf x']).toString(), 'x');
    assert.deepEqual(getstatusoutputSync('echo a; exit 2'), [2, 'a']);
    assert.equal(getoutputSync('echo b'), 'b');
  });
});
