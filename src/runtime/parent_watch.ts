/**
 * A child process never outlives its parent, not even one killed with SIGKILL.
 *
 * The IPC channel's `disconnect` event ends a child whose parent died — but only when the
 * child's event loop gets to run it, which a child busy in synchronous code never does. So
 * each child also starts a tiny watchdog thread (no modules, a few MB) that polls the parent
 * pid; when the child is reparented it kills its own process, whatever the main thread is
 * doing.
 */
import { Worker } from 'node:worker_threads';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const nap = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  Atomics.wait(nap, 0, 0, workerData.intervalMs);
  if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
}
`;

/** Starts the watchdog in this child process (idempotent). */
export function watchParent(intervalMs = 100): void {
  if (started) return;
  started = true;
  const parent = process.ppid;
  process.once('disconnect', () => process.exit(process.exitCode ?? 1));
  const w = new Worker(WATCHDOG, {
    eval: true,
    workerData: { parent, intervalMs },
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    stdout: true,
    stderr: true,
    env: {},
    execArgv: [],
  });
  w.on('error', (err) => process.emitWarning(`weft: the parent watchdog stopped: ${err}`));
  w.unref();
}

let started = false;
