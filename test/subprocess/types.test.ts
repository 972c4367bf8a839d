/**
 * The types of captured output follow the options: these assignments compile only if they
 * do (the build is the test); the runtime checks agree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Captured,
  checkOutput,
  type OutputOf,
  PIPE,
  Popen,
  type RunOptions,
  run,
  runSync,
} from 'weft/subprocess';
import { nodeArgs } from './_helpers.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(yes: Equal<A, B>): boolean => yes;

describe('output types', () => {
  it('follow text, encoding, capture and PIPE', { timeout: 20_000 }, async () => {
    same<OutputOf<{ text: true }>, string>(true);
    same<OutputOf<{ encoding: 'latin1' }>, string>(true);
    same<OutputOf<{}>, Buffer>(true);
    same<OutputOf<RunOptions>, string | Buffer>(true);
    same<Captured<{ capture: true }, 'stderr'>, Buffer>(true);
    same<Captured<{ stdout: typeof PIPE; text: true }, 'stdout'>, string>(true);
    same<Captured<{ stdout: typeof PIPE }, 'stderr'>, null>(true);
    same<Captured<{}, 'stdout'>, null>(true);
    same<Captured<RunOptions, 'stdout'>, string | Buffer | null>(true);

    const text: string = (await run(nodeArgs('console.log(1)'), { capture: true, text: true }))
      .stdout;
    const bytes: Buffer = (await run(nodeArgs('console.log(1)'), { stdout: PIPE })).stdout;
    const none: null = (await run(nodeArgs(''))).stdout;
    const out: string = await checkOutput(nodeArgs('console.log(1)'), { encoding: 'utf8' });
    const sync: Buffer = runSync(nodeArgs('console.log(1)'), { capture: true }).stderr;
    const p = new Popen(nodeArgs('console.log(1)'), { stdout: PIPE, text: true });
    const { stdout, stderr }: { stdout: string; stderr: null } = await p.communicate();
    assert.deepEqual(
      [text, bytes.toString(), none, out, sync.length, stdout, stderr],
      ['1\n', '1\n', null, '1\n', 0, '1\n', null],
    );
  });
});
