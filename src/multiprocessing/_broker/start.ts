/**
 * Where this process's tree keeps its broker. A process started by weft inherits the
 * address in `WEFT_BROKER`; the tree's root starts the broker on first need, in a worker
 * thread (so that children are served while the root's main thread is busy or blocked), and
 * records the address in its environment, which the threads and processes it starts later
 * inherit. The socket file is removed when the process exits, and the files of brokers whose
 * process died by a signal are removed when the next broker starts.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { authkey } from '../../_internal/authkey.js';

const SOCKET_NAME = /^weft-(\d+)-[0-9a-f]{8}\.sock$/;

/**
 * Removes the sockets of brokers whose process is gone: one killed by a signal never ran its
 * exit handler.
 */
function removeStaleSockets(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(SOCKET_NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
      try {
        unlinkSync(join(dir, name));
      } catch {}
    }
  }
}

/** The broker's address (a Unix socket path), starting the broker here if the tree has none yet. */
export function brokerAddress(): string {
  const inherited = process.env.WEFT_BROKER;
  if (inherited) return inherited;
  removeStaleSockets(tmpdir());
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
