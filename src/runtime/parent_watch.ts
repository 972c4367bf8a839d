/**
 * A child process never outlives its parent, not even one killed with SIGKILL.
 *
 * The IPC channel's `disconnect` event ends a child whose parent died — but only when the
 * child's event loop gets to run it, which a child busy in synchronous code never does. Two
 * ways cover that case:
 *
 * - **The kernel's parent-death signal** (Linux). The parent starts node through util-linux's
 *   `setpriv --pdeathsig KILL`, which asks the kernel to SIGKILL the child when the thread
 *   that forked it ends, and then execs node in place (same pid, same IPC descriptor). weft
 *   does this only from the main thread, which lives as long as the process. A parent that
 *   died before `setpriv` ran is caught by `disconnect`: a child starting up is not busy.
 *   It costs nothing in the child.
 * - **A watchdog thread** everywhere else (other platforms, no `setpriv`, a process started
 *   from a worker thread): a tiny isolate (no modules, a few MB) that polls the parent pid and
 *   kills its own process when it is reparented, whatever the main thread is doing. Starting
 *   an isolate costs a child tens of milliseconds of CPU, hence the kernel's way first.
 *
 * The child learns which way its parent chose from `WEFT_PDEATHSIG` in its environment.
 */
import { execFileSync } from 'node:child_process';
import { isMainThread, Worker } from 'node:worker_threads';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const nap = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  Atomics.wait(nap, 0, 0, workerData.intervalMs);
  if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
}
`;

/** The environment variable telling a child that the kernel will kill it with its parent. */
const PDEATHSIG_ENV = 'WEFT_PDEATHSIG';

/** Where `setpriv` with `--pdeathsig` is, checked once: `null` if it is not usable here. */
let setpriv: string | null | undefined;

function findSetpriv(): string | null {
  if (process.platform !== 'linux' || process.env.WEFT_NO_PDEATHSIG) return null;
  for (const path of ['/usr/bin/setpriv', '/bin/setpriv']) {
    try {
      execFileSync(path, ['--pdeathsig', 'KILL', 'true'], { stdio: 'ignore', timeout: 5000 });
      return path;
    } catch {}
  }
  return null;
}

/**
 * The `fork()` options that tie a child's life to this process (see the module's comment),
 * and the environment entry that tells the child. Spread them into `fork`'s options, and the
 * entry into its `env`.
 */
export function deathLinkedLaunch(): {
  execPath?: string;
  execArgv?: string[];
  env: Record<string, string | undefined>;
} {
  if (isMainThread) setpriv ??= findSetpriv();
  if (!isMainThread || !setpriv) return { env: { [PDEATHSIG_ENV]: undefined } };
  return {
    execPath: setpriv,
    execArgv: ['--pdeathsig', 'KILL', process.execPath, ...process.execArgv],
    env: { [PDEATHSIG_ENV]: '1' },
  };
}

/** Makes sure this child dies with its parent (idempotent): see the module's comment. */
export function watchParent(intervalMs = 100): void {
  if (started) return;
  started = true;
  const parent = process.ppid;
  process.once('disconnect', () => process.exit(process.exitCode ?? 1));
  const kernelWatches = process.env[PDEATHSIG_ENV] === '1';
  // This process's own children are told again by their own launch.
  delete process.env[PDEATHSIG_ENV];
  if (kernelWatches) return;
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
