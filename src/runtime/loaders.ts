/**
 * Module loaders in the isolates weft starts.
 *
 * Workers and child processes inherit the parent's `execArgv`, so a loader given with
 * `--import` runs there too. One case needs help: on Node.js releases before the
 * `isInternalThread` API, tsx installs its hooks only on the main thread, so a worker started
 * under tsx cannot import a `.ts` module. weft's workers register tsx themselves in that case
 * (found from the program's own `node_modules`), so a thread's TypeScript target works the
 * same as a compiled one.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as workerThreads from 'node:worker_threads';

/** True if this process runs under tsx (its loader is in `execArgv`). */
export function underTsx(): boolean {
  return process.execArgv.some((a) => /(^|[\\/])tsx([\\/]|$)|^tsx$/.test(a));
}

/** The ESM entry of tsx's API, as the program (or weft) resolves it. */
async function importTsxApi(): Promise<{ register?: () => unknown } | undefined> {
  try {
    return await import('tsx/esm/api' as string);
  } catch {}
  for (const base of [process.argv[1], `${process.cwd()}/`]) {
    if (!base) continue;
    try {
      const cjs = createRequire(base).resolve('tsx/esm/api');
      return await import(pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href);
    } catch {}
  }
  return undefined;
}

/** Registers in this worker the loaders the main thread had but workers do not get by themselves. */
export async function inheritLoaders(): Promise<void> {
  if (workerThreads.isMainThread || 'isInternalThread' in workerThreads || !underTsx()) return;
  (await importTsxApi())?.register?.();
}
