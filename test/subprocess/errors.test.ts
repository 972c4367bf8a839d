import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as errors from 'weft/errors';
import { CalledProcessError, SubprocessError, TimeoutExpired, WeftError } from 'weft/errors';
import * as subprocess from 'weft/subprocess';

describe('subprocess errors', () => {
  it('are in the one error tree, and re-exported by weft/subprocess', () => {
    for (const Ctor of [CalledProcessError, TimeoutExpired]) {
      const e = new Ctor();
      assert.ok(e instanceof SubprocessError);
      assert.ok(e instanceof WeftError);
      assert.equal(errors.errorClasses.get(Ctor.kind), Ctor);
    }
    assert.equal(subprocess.CalledProcessError, CalledProcessError);
    assert.equal(subprocess.TimeoutExpired, TimeoutExpired);
    assert.equal(subprocess.SubprocessError, SubprocessError);
    assert.equal(new SubprocessError('x').code, 'ERR_WEFT_SUBPROCESS');
  });

  it("CalledProcessError has Python's fields and message", () => {
    const e = new CalledProcessError(undefined, {
      returncode: 3,
      cmd: ['ls', '-l'],
      output: 'out',
      stderr: 'err',
    });
    assert.equal(e.message, 'Command ["ls","-l"] returned non-zero exit status 3.');
    assert.equal(e.code, 'ERR_WEFT_CALLED_PROCESS');
    assert.equal(e.returncode, 3);
    assert.deepEqual(e.cmd, ['ls', '-l']);
    assert.equal(e.stdout, 'out');
    e.stdout = 'changed';
    assert.equal(e.output, 'changed');
    assert.equal(e.stderr, 'err');
    const killed = new CalledProcessError(undefined, { returncode: -9, cmd: 'sleep 9' });
    assert.equal(killed.message, 'Command "sleep 9" died with SIGKILL.');
    assert.equal(killed.output, null);
  });

  it("TimeoutExpired has Python's fields; its timeout is in milliseconds", () => {
    const e = new TimeoutExpired(undefined, {
      cmd: ['sleep', '5'],
      timeout: 250,
      output: 'so far',
    });
    assert.equal(e.message, 'Command ["sleep","5"] timed out after 250 ms');
    assert.equal(e.code, 'ERR_WEFT_TIMEOUT_EXPIRED');
    assert.equal(e.timeout, 250);
    assert.equal(e.stdout, 'so far');
    assert.equal(e.stderr, null);
  });

  it('rebuild from a message alone, as errors that crossed a thread are', () => {
    const e = new (errors.errorClasses.get('CalledProcessError')!)('boom', { cause: 1 });
    assert.equal(e.message, 'boom');
    assert.equal(e.cause, 1);
    assert.ok(e instanceof CalledProcessError);
  });
});
