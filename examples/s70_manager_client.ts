/**
 * S70, the client side (`local.py` of the tutorial): connects to the manager server of
 * `s70_manager_server.ts` and calls `sum(1, 100)` there.
 *
 * ```sh
 * node dist/examples/s70_manager_client.js [port] [host]   # default 50000 on 127.0.0.1
 * ```
 *
 * Like Python's client, it registers `sum` by name only: the function lives on the server.
 *
 * ```python
 * from multiprocessing.managers import BaseManager
 *
 * class RemoteManager(BaseManager):
 *     pass
 *
 * RemoteManager.register('sum')
 *
 * def main():
 *     manager = RemoteManager(address=('127.0.0.1', 50000), authkey=b'abc')
 *     manager.connect()
 *     sum_func = manager.sum
 *     start = 1
 *     end = 100
 *     result = sum_func(start, end)
 *     print(f"Sum from {start} to {end} is: {result}")
 *
 * if __name__ == '__main__':
 *     main()
 * ```
 */
import { BaseManager } from 'weft/managers';
import { isMain } from './_seed.js';

export class RemoteManager extends BaseManager {
  declare sum: (start: number, end: number) => Promise<number>;
}
RemoteManager.register('sum');

/** Connects to the server at `host:port` with `authkey` and asks it for the sum of 1..100. */
export async function main(
  port = 50000,
  host = '127.0.0.1',
  authkey = 'abc',
  log: (line: string) => void = console.log,
): Promise<number> {
  await using manager = new RemoteManager({ address: [host, port], authkey });
  await manager.connect();
  const sumFunc = manager.sum.bind(manager);
  const start = 1;
  const end = 100;
  const result = await sumFunc(start, end);
  log(`Sum from ${start} to ${end} is: ${result}`);
  return result;
}

if (isMain(import.meta)) {
  const [port, host] = process.argv.slice(2);
  await main(port === undefined ? undefined : Number(port), host);
}
