/**
 * Where this process's tree keeps its broker. A process started by weft inherits the
 * address in `WEFT_BROKER`; the tree's root starts the broker on first need, in a worker
 * thread (so that children are served while the root's main thread is busy or blocked), and
 * records the address in its environment, which the threads and processes it starts later
 * inherit. The socket file is removed when the process exits.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { authkey } from '../../_internal/authkey.js';

/** The broker's address (a Unix socket path), starting the broker here if the tree has none yet. */
export function brokerAddress(): string {
  const inherited = process.env.WEFT_BROKER;
  if (inherited) return inherited;
  const path = join(tmpdir(), `weft-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const worker = new Worker(new URL('./server_main.js', import.meta.url), {
    workerData: { path, authkey: authkey.toString('hex') },
    env: {},
    stdout: false,
    stderr: false,
  });
  worker.on('message', (m: { ready: boolean; error?: string }) => {
    if (!m.ready) process.emitWarning(`weft: the process broker could not start: ${m.error}`);
  });
  worker.on('error', (err) => process.emitWarning(`weft: the process broker stopped: ${err}`));
  // After the listeners: adding a 'message' listener refs the worker again.
  worker.unref();
  process.once('exit', () => {
    try {
      unlinkSync(path);
    } catch {}
  });
  process.env.WEFT_BROKER = path;
  return path;
}
