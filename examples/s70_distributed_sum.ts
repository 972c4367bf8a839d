/**
 * S70: distributed processes with `BaseManager`. A server process registers `sum` and serves
 * it with the authkey `abc`; a client connects and calls `manager.sum(1, 100)` there, and gets
 * 5050. A client with a wrong authkey is refused during the handshake, before the server has
 * read anything else from it.
 *
 * This demo runs the two scripts of the tutorial: it starts `s70_manager_server` as a child
 * process on a free port (Python's `remote.py`), runs the client of `s70_manager_client`
 * (`local.py`) here, then tries a wrong key and stops the server. Run the two scripts yourself
 * in two terminals to see them apart:
 *
 * ```sh
 * node dist/examples/s70_manager_server.js        # RemoteManager server started on port 50000...
 * node dist/examples/s70_manager_client.js        # Sum from 1 to 100 is: 5050
 * ```
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { AuthenticationError } from 'weft/errors';
import { defineSeed, runIfMain } from './_seed.js';
import { spawnExample } from './_util.js';
import { main as client } from './s70_manager_client.js';

/** Starts the server script (compiled, or from source under tsx) on a free port. */
function startServer(): ChildProcess {
  return spawnExample(import.meta, 's70_manager_server', ['0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The server's first line: `RemoteManager server started on port N...`. */
async function started(server: ChildProcess): Promise<string> {
  const lines = createInterface({ input: server.stdout! });
  const exited = once(server, 'exit').then(([code]) => {
    throw new Error(`the server exited with ${code} before it started`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  return line;
}

const seed = defineSeed({
  id: 'S70',
  title: 'BaseManager: a remote sum(1, 100) over TCP with an authkey',
  python: "Sum from 1 to 100 is: 5050 (the client's call ran in the server process)",
  async run(out) {
    const server = startServer();
    try {
      const line = await started(server);
      out.log(line);
      const port = Number(/port (\d+)/.exec(line)![1]);
      const result = await client(port, '127.0.0.1', 'abc', (l) => out.log(l));
      let refused = 'was accepted (it should not have been)';
      try {
        await client(port, '127.0.0.1', 'wrong', (l) => out.log(l));
      } catch (err) {
        if (!(err instanceof AuthenticationError)) throw err;
        out.log(`authkey 'wrong': ${err.name}: ${err.message}`);
        refused = 'was refused with AuthenticationError during the handshake';
      }
      return `Sum from 1 to 100 is: ${result}, computed in the server process; a wrong authkey ${refused}`;
    } finally {
      server.kill('SIGTERM');
      if (server.exitCode === null && server.signalCode === null) await once(server, 'exit');
    }
  },
});

export default seed;

runIfMain(import.meta, seed);
