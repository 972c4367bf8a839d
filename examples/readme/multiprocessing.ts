import { isChild, Pool, Process, Queue } from 'weft/multiprocessing';

export function square(x: number): number {
  return x * x;
}
export async function producer(q: Queue<string>): Promise<void> {
  await q.put(`hello from pid ${process.pid}`);
}

if (!isChild()) {
  // children import this module to find their targets: guard the main program
  const q = new Queue<string>();
  const p = new Process({ target: producer, args: [q] });
  p.start();
  console.log(await q.get());
  await p.join();
  await using pool = new Pool(2);
  console.log(await pool.map(square, [1, 2, 3])); // [1, 4, 9]
}
