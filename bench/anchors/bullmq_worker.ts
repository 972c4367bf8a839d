/**
 * Plain BullMQ, as its users write it: a Worker whose processor calls the task in the worker
 * process. `node bullmq_worker.js <redis-url> <queue> <concurrency>`; prints `ready` once
 * connected, exits 0 on SIGTERM.
 */
import { Worker } from 'bullmq';
import { noop } from './tasks.js';

const [url, queue, concurrency] = process.argv.slice(2);
const { hostname, port } = new URL(url!);
const worker = new Worker(queue!, async (job) => noop(job.data.x), {
  connection: { host: hostname, port: Number(port) },
  concurrency: Number(concurrency),
});
worker.on('error', (err) => console.error(err.message));
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
