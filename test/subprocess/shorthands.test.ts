import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CalledProcessError, TimeoutExpired } from 'weft/errors';
import {
  call,
  checkCall,
  checkOutput,
  DEVNULL,
  getoutput,
  getstatusoutput,
  PIPE,
  STDOUT,
} from 'weft/subprocess';
import { exists, nodeArgs } from './_helpers.js';

const T = { timeout: 20_000 };

describe('call, checkCall, checkOutput, getstatusoutput, getoutput', () => {
  it('call resolves to the exit status', T, async () => {
    assert.equal(await call(nodeArgs('process.exit(0)')), 0);
    assert.equal(await call(nodeArgs('process.exit(3)')), 3);
    assert.equal(await call(['/bin/sh', '-c', 'kill -KILL $$']), -9);
  });

  it('call drains a PIPE it is given, so a chatty child cannot block', T, async () => {
    const code = 'process.stdout.write(Buffer.alloc(1 << 20))';
    assert.equal(await call(nodeArgs(code), { stdout: PIPE }), 0);
  });

  it('call timeout kills and reaps the child', T, async () => {
    const err: unknown = await call(['/bin/sh', '-c', 'echo $$ >&2; exec sleep 30'], {
      stderr: PIPE,
      timeout: 1000,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof TimeoutExpired);
    const pid = Number(String(err.stderr));
    assert.ok(pid > 0);
    assert.equal(exists(pid), false);
  });

  it('checkCall resolves to 0 or rejects with CalledProcessError', T, async () => {
    assert.equal(await checkCall(nodeArgs('')), 0);
    await assert.rejects(
      checkCall(nodeArgs('process.exit(4)'), { stdout: DEVNULL }),
      (err: unknown) => {
        assert.ok(err instanceof CalledProcessError);
        assert.equal(err.returncode, 4);
        assert.equal(err.output, null);
        return true;
      },
    );
  });

  it('checkOutput resolves to stdout, or rejects with it', T, async () => {
    const out = await checkOutput(nodeArgs('process.stdout.write("bytes")'));
    assert.ok(Buffer.isBuffer(out));
    assert.equal(out.toString(), 'bytes');
    assert.equal(await checkOutput(nodeArgs('console.log("t")'), { text: true }), 't\n');
    const merged = await checkOutput(nodeArgs('console.error("e")'), {
      stderr: STDOUT,
      text: true,
    });
    assert.equal(merged, 'e\n');
    const fed = await checkOutput(nodeArgs('process.stdin.pipe(process.stdout)'), {
      input: 'echo',
      text: true,
    });
    assert.equal(fed, 'echo');
    await assert.rejects(
      checkOutput(nodeArgs('console.log("partial"); process.exit(1)'), { text: true }),
      { name: 'CalledProcessError', returncode: 1, output: 'partial\n' },
    );
  });

  it(
    'getstatusoutput runs a shell command: status and combined output without the last newline',
    T,
    async () => {
      assert.deepEqual(await getstatusoutput('echo out; echo err >&2; exit 3'), [3, 'out\nerr']);
      assert.deepEqual(await getstatusoutput('printf "a\\n\\n"'), [0, 'a\n']);
      assert.equal(await getoutput('echo hello'), 'hello');
      assert.equal(await getoutput('printf "\\351"', { encoding: 'latin1' }), 'é');
    },
  );
});
