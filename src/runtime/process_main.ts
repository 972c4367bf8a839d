/**
 * The entry point of a child process started by `Process.start()`: it receives the process
 * object over IPC, imports the modules its target (or subclass) lives in, runs it, waits for
 * the non-daemon threads it started (as Python does at exit), and exits with 0 — or prints the
 * error like Python's traceback and exits with 1.
 */

import { BrokerClient } from '../multiprocessing/_broker/client.js';
import {
  _becomeChild,
  _setTarget,
  Process,
  type ProcessPayload,
} from '../multiprocessing/process.js';
import { inheritLoaders } from './loaders.js';
import { watchParent } from './parent_watch.js';
import { rebuildRunnable } from './runnable.js';

watchParent();

process.once('message', (m: { t: string; payload: ProcessPayload }) => {
  if (m?.t !== 'start') return;
  void run(m.payload);
});

async function run(payload: ProcessPayload): Promise<void> {
  let code = 0;
  try {
    await inheritLoaders();
    const { self, target, args, kwargs } = await rebuildRunnable<Process>(payload, Process);
    _becomeChild(self, payload);
    _setTarget(self, target, args, kwargs);
    await self.run();
  } catch (err) {
    code = 1;
    const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
    process.stderr.write(`Process ${payload.name}:\n${text}\n`);
  }
  await nonDaemonThreadsDone();
  // Python's queues flush their feeder threads at exit: what this process put or sent
  // reaches the broker before it exits.
  await BrokerClient.drainAll();
  // The IPC channel would keep the process alive; what the target left running (timers,
  // servers) does not either: the process ends when its target does, as in Python.
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

async function nonDaemonThreadsDone(): Promise<void> {
  const threading = await import('../threading/thread.js');
  for (const t of threading.enumerate()) {
    if (t !== threading.mainThread() && !t.daemon && t.ident !== undefined)
      await t.join().catch(() => {});
  }
}
