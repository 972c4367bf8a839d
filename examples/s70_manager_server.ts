/**
 * S70, the server side (`remote.py` of the tutorial): registers `sum` on a manager and serves
 * it on port 50000 with the authkey `abc`.
 *
 * ```sh
 * node dist/examples/s70_manager_server.js [port] [host]   # default 50000 on 127.0.0.1
 * ```
 *
 * Python's original listens on `('', 50000)`, every interface; this one listens on loopback
 * unless given a host, since anyone who can reach the port may try the key. It stops on
 * SIGINT or SIGTERM, or when an authenticated client asks it to.
 *
 * ```python
 * from multiprocessing.managers import BaseManager
 *
 * def sum_range(start, end):
 *     """Calculate the sum of integers from start to end (inclusive)."""
 *     return sum(range(start, end + 1))
 *
 * class RemoteManager(BaseManager):
 *     pass
 *
 * RemoteManager.register('sum', callable=sum_range)
 *
 * def main():
 *     manager = RemoteManager(address=('', 50000), authkey=b'abc')
 *     server = manager.get_server()
 *     print("RemoteManager server started on port 50000...")
 *     server.serve_forever()
 *
 * if __name__ == '__main__':
 *     main()
 * ```
 */
import { BaseManager } from 'weft/managers';
import { isMain } from './_seed.js';

/** The sum of the integers from `start` to `end`, both included. */
export function sumRange(start: number, end: number): number {
  let total = 0;
  for (let i = start; i <= end; i++) total += i;
  return total;
}

/** Registered at the top level, so a process that imports this module serves the same typeids. */
export class RemoteManager extends BaseManager {}
RemoteManager.register('sum', sumRange);

/** Serves `sum` on `host:port` until SIGINT or SIGTERM; `port` 0 picks a free port. */
export async function main(port = 50000, host = '127.0.0.1'): Promise<void> {
  const manager = new RemoteManager({ address: [host, port], authkey: 'abc' });
  const server = await manager.getServer();
  console.log(`RemoteManager server started on port ${server.address.port}...`);
  const stop = (): void => void server.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.serveForever();
}

if (isMain(import.meta)) {
  const [port, host] = process.argv.slice(2);
  await main(port === undefined ? undefined : Number(port), host);
}
