/**
 * The README's examples are the files in `examples/readme/`: each must appear in the README
 * word for word, and each must run and print what its comments say.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = new URL('../../', import.meta.url);
const sources = new URL('examples/readme/', root);
const compiled = new URL('dist/examples/readme/', root);
const readme = readFileSync(new URL('README.md', root), 'utf8');

/** What each example must print (a pattern per line, in order). */
const expected: Record<string, RegExp[]> = {
  threading: [/^40000$/],
  queue: [/^5$/],
  futures: [/^75025$/, /^\[ 55, 6765, 832040 \]$/, /^[12]$/],
  multiprocessing: [/^hello from pid \d+$/, /^\[ 1, 4, 9 \]$/],
  subprocess: [/^0 \d+$/],
};

describe('README examples', () => {
  const files = readdirSync(sources).filter((f) => f.endsWith('.ts'));

  it('every example file is expected and in the README', () => {
    assert.deepEqual(files.map((f) => f.replace(/\.ts$/, '')).sort(), Object.keys(expected).sort());
    for (const f of files) {
      const code = readFileSync(new URL(f, sources), 'utf8');
      assert.ok(readme.includes(`\`\`\`ts\n${code}\`\`\``), `README.md shows examples/readme/${f}`);
    }
  });

  for (const [name, lines] of Object.entries(expected)) {
    it(`${name} runs and prints what it says`, { timeout: 60_000 }, async () => {
      const file = fileURLToPath(new URL(`${name}.js`, compiled));
      const { stdout } = await promisify(execFile)(process.execPath, [file], {
        timeout: 55_000,
        cwd: fileURLToPath(root),
      });
      const out = stdout.trimEnd().split('\n');
      assert.equal(out.length, lines.length, stdout);
      for (const [i, re] of lines.entries()) assert.match(out[i]!, re);
    });
  }
});
