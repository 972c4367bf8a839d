import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentTypeError, ValueError } from 'weft/errors';
import {
  call,
  checkOutput,
  checkOutputSync,
  DEVNULL,
  getoutput,
  PIPE,
  Popen,
  run,
  runSync,
  STDOUT,
} from 'weft/subprocess';
import { nodeArgs } from './_helpers.js';

const T = { timeout: 20_000 };
const ok = nodeArgs('');

/** Asserts that `fn` fails (throwing or rejecting) with `kind` and a message matching `message`. */
async function fails(
  fn: () => unknown,
  kind: typeof ValueError | typeof ArgumentTypeError,
  message: RegExp,
): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (err: unknown) => {
      assert.ok(err instanceof kind, `expected ${kind.name}, got ${String(err)}`);
      assert.match((err as Error).message, message);
      return true;
    },
  );
}

describe('argument checks', () => {
  it('input with stdin, capture with stdout or stderr (ValueError, as Python)', T, async () => {
    await fails(() => run(ok, { input: 'x', stdin: PIPE }), ValueError, /stdin and input/);
    await fails(() => run(ok, { capture: true, stdout: PIPE }), ValueError, /capture/);
    await fails(() => run(ok, { capture: true, stderr: DEVNULL }), ValueError, /capture/);
    await fails(() => runSync(ok, { input: 'x', stdin: 0 }), ValueError, /stdin and input/);
    // null is Python's None: allowed.
    assert.equal((await run(ok, { input: 'x', stdin: null })).returncode, 0);
  });

  it('timeouts must be non-negative milliseconds', T, async () => {
    await fails(() => run(ok, { timeout: -1 }), ValueError, /timeout must be a non-negative/);
    await fails(() => call(ok, { timeout: Number.NaN }), ValueError, /timeout/);
    await fails(() => runSync(ok, { timeout: '5' as never }), ArgumentTypeError, /timeout/);
    const p = new Popen(ok);
    await fails(() => p.wait({ timeout: -5 }), ValueError, /timeout/);
    await fails(() => p.communicate({ timeout: -5 }), ValueError, /timeout/);
    await p.wait();
  });

  it('unknown options are named, with the closest known one', T, async () => {
    await fails(
      () => run(ok, { timout: 5 } as never),
      ArgumentTypeError,
      /'timout' \(did you mean 'timeout'\?\)/,
    );
    await fails(
      () => run(ok, { captureOutput: true } as never),
      ArgumentTypeError,
      /weft calls it 'capture'/,
    );
    await fails(
      () => run(ok, { universal_newlines: true } as never),
      ArgumentTypeError,
      /weft calls it 'text'/,
    );
    await fails(
      () => call(ok, { input: 'x' } as never),
      ArgumentTypeError,
      /unknown option 'input'/,
    );
    await fails(
      () => call(ok, { check: true } as never),
      ArgumentTypeError,
      /unknown option 'check'/,
    );
    await fails(
      () => runSync(ok, { signal: AbortSignal.abort() } as never),
      ArgumentTypeError,
      /'signal'/,
    );
    await fails(() => new Popen(ok, { capture: true } as never), ArgumentTypeError, /'capture'/);
    await fails(
      () => new Popen(ok).communicate({ inptu: 'x' } as never),
      ArgumentTypeError,
      /'input'/,
    );
    await fails(() => getoutput('true', { shell: true } as never), ArgumentTypeError, /'shell'/);
  });

  it('checkOutput refuses stdout (ValueError, as Python)', T, async () => {
    await fails(
      () => checkOutput(ok, { stdout: PIPE } as never),
      ValueError,
      /stdout is not allowed/,
    );
    await fails(
      () => checkOutputSync(ok, { stdout: PIPE } as never),
      ValueError,
      /stdout is not allowed/,
    );
  });

  it('args: an array of strings, or a string only with shell', T, async () => {
    await fails(
      () => run('ls -l'),
      ArgumentTypeError,
      /args must be an array of strings when shell is not set, got string 'ls -l'.*shell: true/,
    );
    await fails(() => run([]), ValueError, /args must be a non-empty array/);
    await fails(
      () => run(['ls', 3] as never),
      ArgumentTypeError,
      /args\[1\] must be a string, got 3/,
    );
    await fails(
      () => run(['ls', 'a\0b']),
      ValueError,
      /args\[1\] must be a string without NUL bytes/,
    );
    await fails(() => run(42 as never), ArgumentTypeError, /args must be an array of strings/);
    await fails(() => new Popen('ls'), ArgumentTypeError, /shell/);
    await fails(() => run('true', { shell: '' }), ValueError, /shell must be/);
    await fails(
      () => run('true', { shell: 1 as never }),
      ArgumentTypeError,
      /shell must be a boolean or the path of a shell/,
    );
  });

  it('stdin, stdout, stderr: PIPE, DEVNULL, a descriptor, or null', T, async () => {
    await fails(
      () => run(ok, { stdout: 'pipe' as never }),
      ArgumentTypeError,
      /stdout must be PIPE.*Node's names/,
    );
    await fails(
      () => run(ok, { stdin: -7 }),
      ValueError,
      /stdin must be PIPE, DEVNULL, a file descriptor/,
    );
    await fails(() => run(ok, { stdout: STDOUT }), ValueError, /STDOUT is only for stderr/);
    await fails(() => run(ok, { stderr: { fd: 1.5 } }), ValueError, /stderr must be/);
    assert.equal((await run(ok, { stdout: process.stdout, stderr: 2 })).returncode, 0);
  });

  it('text, encoding, cwd, env, check, capture and input are type-checked', T, async () => {
    await fails(() => run(ok, { text: 1 as never }), ArgumentTypeError, /text must be a boolean/);
    await fails(
      () => run(ok, { encoding: 'klingon' as never }),
      ValueError,
      /encoding must be an encoding Node knows/,
    );
    await fails(() => run(ok, { cwd: 5 as never }), ArgumentTypeError, /cwd must be a path/);
    await fails(
      () => run(ok, { env: ['A=1'] as never }),
      ArgumentTypeError,
      /env must be an object of strings/,
    );
    await fails(
      () => run(ok, { env: { A: 1 } as never }),
      ArgumentTypeError,
      /env\.A must be a string, got 1/,
    );
    await fails(
      () => run(ok, { check: 'yes' as never }),
      ArgumentTypeError,
      /check must be a boolean/,
    );
    await fails(
      () => run(ok, { capture: 1 as never }),
      ArgumentTypeError,
      /capture must be a boolean/,
    );
    await fails(
      () => run(ok, { input: 5 as never }),
      ArgumentTypeError,
      /input must be a string or a Buffer, got 5/,
    );
    await fails(
      () => run(ok, { startNewSession: 'no' as never }),
      ArgumentTypeError,
      /startNewSession/,
    );
    await fails(
      () => run(ok, { signal: {} as never }),
      ArgumentTypeError,
      /signal must be an AbortSignal/,
    );
    await fails(
      () => run(ok, 'x' as never),
      ArgumentTypeError,
      /options must be an options object/,
    );
  });

  it('getstatusoutput takes a command line string', T, async () => {
    await fails(() => getoutput(['ls'] as never), ArgumentTypeError, /cmd must be a string/);
  });
});
