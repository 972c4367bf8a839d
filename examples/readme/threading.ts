import { isMainThread } from 'node:worker_threads';
import { Lock, Thread, Value } from 'weft/threading';

export function add(total: Value<'i'>, lock: Lock, n: number): void {
  for (let i = 0; i < n; i++) {
    using _ = lock.acquireSync(); // blocks this thread only; released at the end of the block
    total.value += 1;
  }
}

if (isMainThread) {
  const total = new Value('i', 0);
  const lock = new Lock();
  const threads = [1, 2, 3, 4].map(() => new Thread({ target: add, args: [total, lock, 10_000] }));
  for (const t of threads) t.start(); // four isolates, in parallel
  for (const t of threads) await t.join();
  console.log(total.value); // 40000
}
