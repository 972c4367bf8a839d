/**
 * S31, the program itself: a parent starts a child that prints its pid and its parent's once
 * per interval, says it is done, and ends. Run it alone to watch it:
 *
 * ```sh
 * node dist/examples/s31_daemon_parent.js daemon 1000   # the child would run forever; it dies with the parent
 * node dist/examples/s31_daemon_parent.js normal 1000 5 # the child prints 5 times; the parent waits for it
 * ```
 *
 * Python (test_6_1 and test_6_2 of the tutorial):
 *   def test():
 *       for i in range(5):
 *           print('My current pid%d, My parent pid%d' % (os.getpid(), os.getppid()))
 *           time.sleep(1)
 *
 *   def main():
 *       p1 = Process(target=test)
 *       p1.daemon = True                 # test_6_2: False
 *       p1.start()
 *       print('My current pid%d, Done!' % (os.getpid()))
 *
 * With `daemon = True` Python's parent ends at once and kills its child, usually before the
 * child printed anything. Here the parent first waits (on a process `Event`) until its child
 * has printed once, so that there is a running child to see die.
 */
import { Event, Process } from 'weft/multiprocessing';
import { isMain } from './_seed.js';

/** The child: prints its pid and its parent's `times` times, `ms` apart, then ends. */
export async function test(times: number, ms: number, running: Event): Promise<void> {
  for (let i = 0; i < times; i++) {
    console.log(`My current pid ${process.pid}, My parent pid ${process.ppid}`);
    running.set();
    await new Promise((r) => setTimeout(r, ms));
  }
}

/** The parent: starts the child (a daemon or not), says it is done and ends. */
export async function main(daemon: boolean, ms: number, times: number): Promise<void> {
  const running = new Event();
  const p1 = new Process({ target: test, args: [times, ms, running] });
  p1.daemon = daemon;
  p1.start();
  if (daemon) await running.wait();
  console.log(`My current pid ${process.pid}, Done!`);
}

if (isMain(import.meta)) {
  const [mode = 'daemon', ms = '1000', times] = process.argv.slice(2);
  const daemon = mode === 'daemon';
  await main(daemon, Number(ms), times === undefined ? (daemon ? Infinity : 5) : Number(times));
}
