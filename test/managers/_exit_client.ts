/**
 * A client that calls once and never shuts its manager down or closes its proxy:
 * `node _exit_client.js <port> <authkey>`. The process must still exit by itself.
 */
import { BaseManager } from 'weft/managers';

class ExitClient extends BaseManager {
  declare sum: (a: number, b: number) => Promise<number>;
  declare Counter: () => Promise<unknown>;
}
ExitClient.register('sum');
ExitClient.register('Counter');

const [port, authkey] = process.argv.slice(2);
// The test runner loads every file under test/; without arguments this one does nothing.
if (port && authkey) {
  const m = new ExitClient({ address: ['127.0.0.1', Number(port)], authkey });
  await m.connect();
  await m.Counter();
  console.log(await m.sum(1, 100));
}
