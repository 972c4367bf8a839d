import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CalledProcessError, SubprocessError, TimeoutExpired } from 'weft/errors';
import { CompletedProcess, DEVNULL, PIPE, run, STDOUT } from 'weft/subprocess';
import { exists, FOREVER, Handshake, nodeArgs } from './_helpers.js';

const T = { timeout: 20_000 };

describe('run', () => {
  it('runs a command and returns a CompletedProcess', T, async () => {
    const args = nodeArgs('');
    const r = await run(args);
    assert.ok(r instanceof CompletedProcess);
    assert.deepEqual(r.args, args);
    assert.equal(r.returncode, 0);
    assert.equal(r.stdout, null);
    assert.equal(r.stderr, null);
  });

  it('reports the exit status', T, async () => {
    assert.equal((await run(nodeArgs('process.exit(3)'))).returncode, 3);
    assert.equal((await run(['/bin/sh', '-c', 'exit 7'])).returncode, 7);
  });

  it('captures stdout and stderr as Buffers by default', T, async () => {
    const r = await run(nodeArgs('process.stdout.write("out"); process.stderr.write("err")'), {
      capture: true,
    });
    assert.ok(Buffer.isBuffer(r.stdout));
    assert.equal(r.stdout.toString(), 'out');
    assert.equal(r.stderr.toString(), 'err');
  });

  it('captures one stream with PIPE and leaves the other alone', T, async () => {
    const r = await run(nodeArgs('console.log("out"); console.error("err")'), {
      stdout: PIPE,
      stderr: DEVNULL,
      text: true,
    });
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, null);
  });

  it('decodes in text mode and with an encoding', T, async () => {
    const r = await run(nodeArgs('process.stdout.write("h\\u00e9 \\u2603")'), {
      capture: true,
      text: true,
    });
    assert.equal(r.stdout, 'hé ☃');
    const latin = await run(nodeArgs('process.stdout.write(Buffer.from([0x68, 0xe9]))'), {
      capture: true,
      encoding: 'latin1',
    });
    assert.equal(latin.stdout, 'hé');
  });

  it('merges stderr into stdout with STDOUT', T, async () => {
    const code = 'process.stdout.write("out "); process.stderr.write("err ")';
    const r = await run(nodeArgs(code), { stdout: PIPE, stderr: STDOUT, text: true });
    assert.deepEqual(r.stdout.split(' ').sort(), ['', 'err', 'out']);
    assert.equal(r.stderr, null);
  });

  it('sends input, string or Buffer', T, async () => {
    const echo = nodeArgs('process.stdin.pipe(process.stdout)');
    assert.equal((await run(echo, { input: 'hello', capture: true, text: true })).stdout, 'hello');
    const bytes = await run(echo, { input: Buffer.from([1, 2, 3]), capture: true });
    assert.deepEqual([...bytes.stdout], [1, 2, 3]);
    const typed = await run(echo, { input: new Uint8Array([4, 5]), capture: true });
    assert.deepEqual([...typed.stdout], [4, 5]);
  });

  it('pipes 10 MB in and out at once without deadlock', T, async () => {
    const input = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < input.length; i += 4096) input[i] = i % 251;
    const r = await run(nodeArgs('process.stdin.pipe(process.stdout)'), { input, capture: true });
    assert.equal(r.stdout.length, input.length);
    assert.ok(r.stdout.equals(input));
  });

  it('is not troubled by a child that exits without reading its input', T, async () => {
    const r = await run(nodeArgs('process.exit(4)'), { input: Buffer.alloc(4 * 1024 * 1024) });
    assert.equal(r.returncode, 4);
  });

  it('check raises CalledProcessError with the status, command and output', T, async () => {
    const args = nodeArgs('process.stdout.write("o"); process.stderr.write("e"); process.exit(2)');
    await assert.rejects(run(args, { capture: true, text: true, check: true }), (err: unknown) => {
      assert.ok(err instanceof CalledProcessError);
      assert.ok(err instanceof SubprocessError);
      assert.equal(err.returncode, 2);
      assert.deepEqual(err.cmd, args);
      assert.equal(err.output, 'o');
      assert.equal(err.stdout, 'o');
      assert.equal(err.stderr, 'e');
      assert.match(err.message, /returned non-zero exit status 2\.$/);
      return true;
    });
    assert.equal((await run(nodeArgs(''), { check: true })).returncode, 0);
  });

  it('on timeout kills and reaps the child and raises with the output so far', T, async () => {
    const started = performance.now();
    const err: unknown = await run(['/bin/sh', '-c', 'echo $$; echo half >&2; exec sleep 30'], {
      capture: true,
      text: true,
      timeout: 1000,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof TimeoutExpired);
    assert.ok(performance.now() - started < 10_000);
    assert.equal(err.timeout, 1000);
    assert.match(err.message, /timed out after 1000 ms/);
    assert.equal(err.stderr, 'half\n');
    const pid = Number(String(err.output).trim());
    assert.ok(pid > 0);
    assert.equal(exists(pid), false, 'the child was killed and reaped');
  });

  it('an aborted signal kills and reaps the child and rejects with the reason', T, async () => {
    await using hs = await Handshake.open();
    const ac = new AbortController();
    const running = run(nodeArgs(hs.code() + FOREVER), { signal: ac.signal });
    const pid = await hs.next();
    const reason = new Error('stop');
    ac.abort(reason);
    await assert.rejects(running, (err) => err === reason);
    assert.equal(exists(pid), false);
  });

  it('an already aborted signal starts nothing', T, async () => {
    await assert.rejects(
      run(['no-such-program-weft'], { signal: AbortSignal.abort('early') }),
      (err) => err === 'early',
    );
  });

  it('a missing program rejects with ENOENT naming it', T, async () => {
    await assert.rejects(run(['no-such-program-weft', 'x'], { capture: true }), (err: unknown) => {
      const e = err as NodeJS.ErrnoException;
      assert.equal(e.code, 'ENOENT');
      assert.match(e.message, /no-such-program-weft/);
      return true;
    });
    await assert.rejects(run(['no-such-program-weft'], { input: 'x', timeout: 1000 }), {
      code: 'ENOENT',
    });
  });

  it('a missing working directory is named in the error', T, async () => {
    await assert.rejects(run(nodeArgs(''), { cwd: '/no/such/dir/weft' }), (err: unknown) => {
      assert.equal((err as NodeJS.ErrnoException).code, 'ENOENT');
      assert.match((err as Error).message, /working directory '\/no\/such\/dir\/weft'/);
      return true;
    });
  });

  it('runs in cwd with env', T, async () => {
    const r = await run(nodeArgs('console.log(process.cwd(), process.env.WEFT_X)'), {
      cwd: new URL('file:///tmp'),
      env: { WEFT_X: 'yes', UNSET: undefined },
      capture: true,
      text: true,
    });
    assert.match(r.stdout, /^\/tmp yes\n$/);
  });

  it('runs a string with shell: true; extra array items are $0, $1', T, async () => {
    const r = await run('echo one | tr a-z A-Z', { shell: true, capture: true, text: true });
    assert.equal(r.stdout, 'ONE\n');
    const positional = await run(['echo "$0-$1"', 'a', 'b'], {
      shell: true,
      capture: true,
      text: true,
    });
    assert.equal(positional.stdout, 'a-b\n');
    const bash = await run('echo $0', { shell: '/bin/sh', capture: true, text: true });
    assert.equal(bash.stdout, '/bin/sh\n');
  });

  it('returns a negative returncode for a child killed by a signal', T, async () => {
    const r = await run(['/bin/sh', '-c', 'kill -TERM $$']);
    assert.equal(r.returncode, -15);
    await assert.rejects(run(['/bin/sh', '-c', 'kill -KILL $$'], { check: true }), {
      name: 'CalledProcessError',
      returncode: -9,
      message: /died with SIGKILL\.$/,
    });
  });

  it('startNewSession makes the child a session leader', {
    ...T,
    skip: process.platform !== 'linux' && 'reads /proc',
  }, async () => {
    // Field 6 of /proc/self/stat is the session id; it is the pid for a session leader.
    const code = `const s = require('fs').readFileSync('/proc/self/stat', 'utf8');
      process.stdout.write(s.slice(s.lastIndexOf(')') + 2).split(' ')[3] === String(process.pid) ? 'leader' : 'member');`;
    const alone = await run(nodeArgs(code), { startNewSession: true, capture: true, text: true });
    assert.equal(alone.stdout, 'leader');
    const member = await run(nodeArgs(code), { capture: true, text: true });
    assert.equal(member.stdout, 'member');
  });
});
