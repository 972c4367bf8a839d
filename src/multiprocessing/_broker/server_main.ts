/**
 * The broker's worker thread: serves the tree's objects at `workerData.path` until the
 * process ends. Tells its creator `ready`, or the error that stopped it from listening.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BrokerServer } from './server.js';

const { path, authkey } = workerData as { path: string; authkey: string };

BrokerServer.listen(path, Buffer.from(authkey, 'hex')).then(
  () => parentPort!.postMessage({ ready: true }),
  (err: Error) => parentPort!.postMessage({ ready: false, error: String(err?.stack ?? err) }),
);
