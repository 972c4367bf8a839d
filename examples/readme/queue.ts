import { isMainThread } from 'node:worker_threads';
import { Queue } from 'weft/queue';
import { Thread } from 'weft/threading';

export async function square(jobs: Queue<number>, results: Queue<number>): Promise<void> {
  for await (const n of jobs) results.putNowait(n * n); // ends when jobs is shut down
}

if (isMainThread) {
  const jobs = new Queue<number>({ maxsize: 10 });
  const results = new Queue<number>();
  const t = new Thread({ target: square, args: [jobs, results] });
  t.start();
  for (let n = 1; n <= 5; n++) await jobs.put(n);
  jobs.shutdown(); // Python 3.13's Queue.shutdown(): the consumer drains, then stops
  await t.join();
  console.log(results.qsize()); // 5
}
