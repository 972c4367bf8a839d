import { isMainThread } from 'node:worker_threads';
import { FIRST_COMPLETED, ThreadPoolExecutor, wait } from 'weft/futures';

export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

if (isMainThread) {
  await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
  console.log(await pool.submit(fib, 25)); // 75025
  console.log(await pool.map(fib, [10, 20, 30], { chunksize: 2 })); // [55, 6765, 832040]
  const { done } = await wait([pool.submit(fib, 32), pool.submit(fib, 5)], {
    returnWhen: FIRST_COMPLETED,
  });
  console.log(done.size); // 1 or 2
}
