/**
 * weft/managers beside CPython's `multiprocessing.managers`: one client calling a registered
 * `sum` on a manager server in another process, over loopback, one call at a time.
 *
 * weft's server is the S70 example's (`examples/s70_manager_server.ts`), started as a child
 * process; CPython's is `bench/python/managers_call_roundtrip.py` (`BaseManager.start()`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BaseManager } from 'weft/managers';
import { type BenchContext, defineSuite, time } from '../harness.js';

class SumClient extends BaseManager {
  declare sum: (start: number, end: number) => Promise<number>;
}
SumClient.register('sum');

interface State {
  server: ChildProcess;
  client: SumClient;
}

const serverScript = fileURLToPath(
  new URL('../../examples/s70_manager_server.js', import.meta.url),
);

async function setup(): Promise<State> {
  const server = spawn(process.execPath, [serverScript, '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
  const port = Number(/port (\d+)/.exec(line)?.[1]);
  const client = new SumClient({ address: ['127.0.0.1', port], authkey: 'abc' });
  await client.connect();
  if ((await client.sum(1, 100)) !== 5050) throw new Error('the server did not answer 5050');
  return { server, client };
}

// call-roundtrip: microseconds per sequential call (the mean over a round).
async function roundtrip({ client }: State, ctx: BenchContext): Promise<number> {
  const calls = ctx.quick ? 2_000 : 10_000;
  return (
    (await time('us', async () => {
      for (let i = 0; i < calls; i++) await client.sum(1, 10);
    })) / calls
  );
}

async function teardown({ server, client }: State): Promise<void> {
  await client.shutdown();
  server.kill('SIGTERM');
  if (server.exitCode === null) await once(server, 'exit');
}

export default defineSuite('managers', [
  {
    id: 'call-roundtrip',
    unit: 'us',
    title: 'a registered sum(1, 10) called on a manager server in another process, one at a time',
    goal: '<= 500 us per call',
    impls: {
      weft: { setup, run: roundtrip, teardown },
      cpython: { python: 'managers_call_roundtrip.py' },
    },
  },
]);
