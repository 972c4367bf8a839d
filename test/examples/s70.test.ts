import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CapturedOutput } from '../../examples/_seed.js';
import seed from '../../examples/s70_distributed_sum.js';

const T = { timeout: 30_000 } as const;
const script = (name: string) =>
  fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));

async function firstLine(child: ChildProcess): Promise<string> {
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return line;
}

describe('S70 distributed sum', () => {
  it(
    'the server and the client scripts, as two processes: Sum from 1 to 100 is: 5050',
    T,
    async () => {
      const server = spawn(process.execPath, [script('s70_manager_server'), '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const line = await firstLine(server);
        const port = /^RemoteManager server started on port (\d+)\.\.\.$/.exec(line)?.[1];
        assert.ok(port, line);
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [script('s70_manager_client'), port],
          { timeout: 20_000 },
        );
        assert.equal(stdout, 'Sum from 1 to 100 is: 5050\n');
      } finally {
        server.kill('SIGTERM');
      }
      const [code] = await once(server, 'exit');
      assert.equal(code, 0, 'the server stops cleanly on SIGTERM');
    },
  );

  it('the demo starts the server, gets 5050, and a wrong authkey is refused', T, async () => {
    const out = new CapturedOutput();
    const summary = await seed.run(out, { quick: true });
    assert.equal(seed.id, 'S70');
    assert.match(out.lines[0]!, /^RemoteManager server started on port \d+\.\.\.$/);
    assert.equal(out.lines[1], 'Sum from 1 to 100 is: 5050');
    assert.match(
      out.lines[2]!,
      /^authkey 'wrong': AuthenticationError: authentication with the manager at 127\.0\.0\.1:\d+ failed: digest sent was rejected$/,
    );
    assert.equal(out.lines.length, 3);
    assert.equal(
      summary,
      'Sum from 1 to 100 is: 5050, computed in the server process; a wrong authkey was refused with AuthenticationError during the handshake',
    );
  });
});
