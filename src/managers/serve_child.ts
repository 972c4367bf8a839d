/**
 * What a child started by `BaseManager.start()` runs: it has imported the module that defines
 * the manager subclass (the class crossed by reference, so its top-level registrations ran),
 * makes a manager of that class with the parent's settings, binds its server, tells the
 * parent the real address through a pipe, and serves until a client asks it to stop.
 */
import type { Connection } from '../multiprocessing/connection.js';
import type { ManagerAddress } from './address.js';
import type { BaseManager, ManagerOptions } from './manager.js';

/** @internal The target of the manager's child process. */
export async function serveManager(
  cls: new (options: ManagerOptions) => BaseManager,
  options: ManagerOptions,
  report: Connection<ManagerAddress | { error: string }>,
): Promise<void> {
  let server: Awaited<ReturnType<BaseManager['getServer']>>;
  try {
    server = await new cls(options).getServer();
  } catch (err) {
    await report.send({ error: String((err as Error)?.stack ?? err) });
    throw err;
  }
  await report.send({ ...server.address });
  report.close();
  await server.serveForever();
}
