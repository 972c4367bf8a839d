import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { TimeoutExpired, ValueError } from 'weft/errors';
import { PIPE, Popen, STDOUT } from 'weft/subprocess';
import { exists, FOREVER, Handshake, nodeArgs } from './_helpers.js';

const T = { timeout: 20_000 };

/** Resolves to the next chunk `stream` emits. */
async function nextChunk(stream: NodeJS.ReadableStream): Promise<string> {
  const [chunk] = await once(stream, 'data');
  return String(chunk);
}

describe('Popen', () => {
  it('has a pid, a null returncode while running, and waits for the exit status', T, async () => {
    const p = new Popen(
      nodeArgs('process.stdin.resume(); process.stdin.on("end", () => process.exit(5))'),
      {
        stdin: PIPE,
      },
    );
    assert.equal(typeof p.pid, 'number');
    assert.ok(exists(p.pid!));
    assert.equal(p.returncode, null);
    assert.equal(p.poll(), null);
    p.stdin!.end();
    assert.equal(await p.wait(), 5);
    assert.equal(p.returncode, 5);
    assert.equal(p.poll(), 5);
    assert.equal(await p.wait(), 5, 'waiting again returns the same status');
  });

  it('communicate sends input and returns stdout and stderr', T, async () => {
    const p = new Popen(
      nodeArgs(
        'process.stdin.on("data", (d) => { process.stdout.write(d); process.stderr.write("!"); })',
      ),
      { stdin: PIPE, stdout: PIPE, stderr: PIPE, text: true },
    );
    const { stdout, stderr } = await p.communicate({ input: 'set q=mx\npython.org\nexit\n' });
    assert.equal(stdout, 'set q=mx\npython.org\nexit\n');
    assert.match(stderr, /^!+$/);
    assert.equal(p.returncode, 0);
    assert.deepEqual(await p.communicate(), { stdout, stderr }, 'a second call returns the same');
  });

  it('communicate returns null for streams that are not pipes', T, async () => {
    const p = new Popen(nodeArgs('console.log("x")'), { stdout: PIPE });
    const out = await p.communicate();
    assert.equal(out.stdout?.toString(), 'x\n');
    assert.equal(out.stderr, null);
  });

  it(
    'communicate timeout leaves the child running and a later call gets all the output',
    T,
    async () => {
      await using hs = await Handshake.open();
      const code = `process.on('SIGTERM', () => { console.log('second'); process.exit(0); });
      console.log('first'); ${hs.code()} ${FOREVER}`;
      const p = new Popen(nodeArgs(code), { stdout: PIPE, text: true });
      await hs.next(); // 'first' is in the pipe and the SIGTERM handler is installed
      const err: unknown = await p.communicate({ timeout: 500 }).catch((e: unknown) => e);
      assert.ok(err instanceof TimeoutExpired);
      assert.equal(err.timeout, 500);
      assert.equal(err.output, 'first\n');
      assert.equal(p.returncode, null);
      assert.ok(exists(p.pid!), 'still running');
      p.terminate();
      const { stdout } = await p.communicate();
      assert.equal(stdout, 'first\nsecond\n');
      assert.equal(p.returncode, 0);
    },
  );

  it(
    'communicate with an aborted signal rejects with the reason and leaves the child',
    T,
    async () => {
      const p = new Popen(['sleep', '30'], { stdout: PIPE });
      const ac = new AbortController();
      const pending = p.communicate({ signal: ac.signal });
      ac.abort(new Error('enough'));
      await assert.rejects(pending, /enough/);
      assert.equal(p.returncode, null);
      p.kill();
      assert.equal(await p.wait(), -9);
    },
  );

  it('refuses input after communication started, and input without a stdin pipe', T, async () => {
    const p = new Popen(['sleep', '30'], { stdin: PIPE });
    await assert.rejects(p.communicate({ timeout: 0 }), TimeoutExpired);
    await assert.rejects(p.communicate({ input: 'late' }), (err: unknown) => {
      assert.ok(err instanceof ValueError);
      assert.match(err.message, /Cannot send input after starting communication/);
      return true;
    });
    p.kill();
    await p.wait();
    const q = new Popen(nodeArgs(''));
    await assert.rejects(
      q.communicate({ input: 'x' }),
      /input needs the child's stdin to be a pipe/,
    );
    await q.wait();
  });

  it('wait timeout raises TimeoutExpired without killing', T, async () => {
    const p = new Popen(['sleep', '30']);
    await assert.rejects(p.wait({ timeout: 50 }), (err: unknown) => {
      assert.ok(err instanceof TimeoutExpired);
      assert.deepEqual(err.cmd, ['sleep', '30']);
      assert.equal(err.timeout, 50);
      return true;
    });
    assert.ok(exists(p.pid!));
    p.kill();
    assert.equal(await p.wait(), -9);
  });

  it('kill, terminate and sendSignal give negative returncodes', T, async () => {
    const killed = new Popen(['sleep', '30']);
    killed.kill();
    assert.equal(await killed.wait(), -9);
    const terminated = new Popen(['sleep', '30']);
    terminated.terminate();
    assert.equal(await terminated.wait(), -15);
    const interrupted = new Popen(['sleep', '30']);
    interrupted.sendSignal('SIGINT');
    assert.equal(await interrupted.wait(), -2);
    const byNumber = new Popen(['sleep', '30']);
    byNumber.sendSignal(9);
    assert.equal(await byNumber.wait(), -9);
    byNumber.kill(); // after the exit: does nothing
    assert.equal(byNumber.returncode, -9);
  });

  it('sendSignal names a bad signal', T, async () => {
    const p = new Popen(['sleep', '30']);
    assert.throws(() => p.sendSignal('SIGNOPE' as never), {
      name: 'ValueError',
      message: /sig must be a signal name such as 'SIGTERM', got string 'SIGNOPE'/,
    });
    assert.throws(() => p.sendSignal(-1), { name: 'ValueError', message: /sig must be >= 0/ });
    assert.throws(() => p.sendSignal({} as never), { name: 'ArgumentTypeError' });
    p.kill();
    await p.wait();
  });

  it('the signal option kills the child when aborted', T, async () => {
    const ac = new AbortController();
    const p = new Popen(['sleep', '30'], { signal: ac.signal });
    ac.abort();
    assert.equal(await p.wait(), -9);
    assert.throws(() => new Popen(['sleep', '30'], { signal: ac.signal }), { name: 'AbortError' });
  });

  it('streams are Node streams; text mode decodes them', T, async () => {
    const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE, text: true });
    p.stdin!.write('héllo\n');
    assert.equal(await nextChunk(p.stdout!), 'héllo\n');
    p.stdin!.end();
    assert.equal(await p.wait(), 0);
  });

  it('STDOUT merges stderr into stdout, in the order written', T, async () => {
    // The child writes one piece, then waits for the parent to have read it.
    const code = `const parts = [[process.stdout, 'a'], [process.stderr, 'b'], [process.stdout, 'c']];
      const next = () => { const p = parts.shift(); if (p) p[0].write(p[1]); else process.exit(0); };
      process.stdin.on('data', next); next();`;
    const p = new Popen(nodeArgs(code), { stdin: PIPE, stdout: PIPE, stderr: STDOUT, text: true });
    assert.equal(p.stderr, null);
    let seen = '';
    for await (const chunk of p.stdout!) {
      seen += chunk;
      p.stdin!.write('next\n');
    }
    assert.equal(seen, 'abc');
    assert.equal(await p.wait(), 0);
  });

  it('await using closes the pipes and waits for the child', T, async () => {
    let pid: number | undefined;
    let proc: { returncode: number | null } | undefined;
    {
      await using p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE });
      pid = p.pid;
      proc = p;
      p.stdin!.write('unread output\n');
    }
    assert.equal(proc.returncode === null, false, 'waited for');
    assert.equal(exists(pid!), false, 'reaped');
  });

  it('a missing program: pid undefined, wait and communicate reject with ENOENT', T, async () => {
    const p = new Popen(['no-such-program-weft'], { stdout: PIPE });
    assert.equal(p.pid, undefined);
    await assert.rejects(p.wait(), { code: 'ENOENT', message: /no-such-program-weft/ });
    await assert.rejects(p.communicate({ timeout: 1000 }), { code: 'ENOENT' });
    assert.throws(() => p.poll(), { code: 'ENOENT' });
    p.kill(); // nothing to kill
    await p[Symbol.asyncDispose](); // already reported: does not throw again
  });

  it('disposal reports a start failure nobody else reported', T, async () => {
    await assert.rejects(
      async () => {
        await using _p = new Popen(['no-such-program-weft']);
      },
      { code: 'ENOENT' },
    );
  });
});
