/**
 * The entry point of a carrier: a worker isolate that runs weft threads.
 *
 * An `own` carrier runs one thread at a time (the thread has the isolate to itself and may
 * block); a `virtual` carrier runs many async threads at once, each in an
 * `AsyncLocalStorage` context that gives it its own ident and `currentThread()`. When a
 * thread ends the carrier marks it ended in the registry (so `joinSync` works from any
 * thread, even one whose event loop is blocked) and tells the thread that started it.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import {
  adoptRegistry,
  enableVirtualThreads,
  markEnded,
  setIsolateIdent,
  virtualThreadIdent,
} from '../_internal/registry.js';
import { runThreadBody, type ThreadPayload } from '../threading/thread.js';
import { encodeError } from './error_wire.js';
import { inheritLoaders } from './loaders.js';

interface RunMessage {
  t: 'run';
  payload: ThreadPayload;
}

const data = workerData as {
  weftCarrier: 'own' | 'virtual';
  registry: Parameters<typeof adoptRegistry>[0];
};
adoptRegistry(data.registry);
const virtual = data.weftCarrier === 'virtual';
if (virtual) enableVirtualThreads();

async function run(payload: ThreadPayload): Promise<void> {
  let error: unknown;
  let crashed = false;
  try {
    if (virtual) await virtualThreadIdent.run(payload.ident, () => runThreadBody(payload, true));
    else {
      setIsolateIdent(payload.ident);
      await runThreadBody(payload, false);
    }
  } catch (err) {
    error = encodeError(err);
    crashed = true;
  } finally {
    if (!virtual) setIsolateIdent(0);
  }
  // Ended first: a thread blocked in joinSync() may be the one that has to read our output.
  markEnded(payload.ident, crashed);
  // What the thread printed reaches the parent before the news that it ended.
  await new Promise<void>((resolve) =>
    process.stdout.write('', () => process.stderr.write('', () => resolve())),
  );
  parentPort!.postMessage({ t: 'done', ident: payload.ident, error, crashed });
}

const loaded = inheritLoaders();
parentPort!.on('message', (m: RunMessage) => {
  if (m.t === 'run') void loaded.then(() => run(m.payload));
});
parentPort!.postMessage({ t: 'ready', threadId });
