/** Test helpers: raw workers running scenarios, with a watchdog; process liveness. */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { watchWorker } from 'weft/threading';

const rawWorkerUrl = new URL('./fixtures/raw_worker.js', import.meta.url);

/** A raw worker running `scenario`; `result` resolves with what it returned. */
export function startScenario(
  scenario: string,
  args: unknown,
): { worker: Worker; result: Promise<any> } {
  const worker = watchWorker(new Worker(rawWorkerUrl, { workerData: { scenario, args } }));
  const result = new Promise<any>((resolve, reject) => {
    worker.once('message', (m) =>
      m.error ? reject(Object.assign(new Error(m.error.message), m.error)) : resolve(m.result),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
  result.catch(() => {});
  return { worker, result };
}

/** Runs `count` workers on the same scenario and args; resolves with their results. */
export async function runScenario(scenario: string, args: unknown, count = 1): Promise<any[]> {
  const started = Array.from({ length: count }, () => startScenario(scenario, args));
  try {
    return await Promise.all(started.map((s) => s.result));
  } finally {
    await Promise.all(started.map((s) => s.worker.terminate()));
  }
}

/** Rejects if `promise` does not settle within `ms` (a deadlock fails fast). */
export function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

/** True if `pid` is a live process (a zombie, dead but not reaped, counts as gone). Linux only. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
