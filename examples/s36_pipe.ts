/**
 * S36: a child process sends `[42, null, 'hello']` through a `Pipe`; the parent receives it.
 *
 * ```python
 * from multiprocessing import Process, Pipe
 *
 * def f(conn):
 *     conn.send([42, None, 'hello'])
 *     conn.close()
 *
 * if __name__ == '__main__':
 *     parent_conn, child_conn = Pipe()
 *     p = Process(target=f, args=(child_conn,))
 *     p.start()
 *     print(parent_conn.recv())   # prints "[42, None, 'hello']"
 *     p.join()
 * ```
 */
import { inspect } from 'node:util';
import { type Connection, Pipe, Process } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';

/** The child: sends the list and closes its end. */
export async function f(conn: Connection): Promise<void> {
  await conn.send([42, null, 'hello']);
  conn.close();
}

const seed = defineSeed({
  id: 'S36',
  title: 'a child sends a list through a Pipe',
  python: 'parent receives it',
  async run(out) {
    const [parentConn, childConn] = Pipe();
    const p = new Process({ target: f, args: [childConn] });
    p.start();
    childConn.close(); // the child holds its end now
    const got = await parentConn.recv();
    out.log(inspect(got));
    await p.join();
    return `the parent received ${inspect(got)} from process ${p.pid}`;
  },
});

export default seed;
runIfMain(import.meta, seed);
