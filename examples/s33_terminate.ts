/**
 * S33: `terminate()`, `isAlive()`, `exitcode`, `join({ timeout })`, and the two joins Python
 * refuses: joining a process before `start()`, and a process joining itself.
 *
 * Python:
 *   def task(name, age):
 *       print('hi')
 *       print('name:', name)
 *       print('age:', age)
 *
 *   if __name__ == '__main__':
 *       p = Process(target=task, name='lin', args=('rui',), kwargs={'age': 18})
 *       p.start()
 *       p.terminate()          # asks the OS to kill the process
 *       time.sleep(1)
 *       print(p.is_alive())    # False
 *       print(p.name)          # lin: the parent still has the object
 *
 *   p.join([timeout]) waits at most timeout seconds; check p.exitcode to see whether the
 *   process ended (a negative exitcode -N: ended by signal N). A process cannot join itself,
 *   and joining a process before starting it is an error.
 *
 * Here the child runs forever after printing, so that `join({ timeout })` visibly times out;
 * the parent then terminates it and, instead of sleeping a second and hoping, joins it.
 * Python raises AssertionError for the two refused joins; weft raises `RuntimeError` with
 * Python's messages.
 */
import { currentProcess, Process, SimpleQueue } from 'weft/multiprocessing';
import { defineSeed, runIfMain } from './_seed.js';
import { type ChildLines, printChildLines, secondsSince } from './_util.js';

/** What a refused call threw, as `Name: message`. */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'no error';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

/** The child: tries to join itself, prints, then runs until terminated. */
export async function task(
  name: string,
  lines: ChildLines,
  kwargs?: { age?: number },
): Promise<never> {
  await lines.put(
    `(child) currentProcess().join(): ${await refusal(() => currentProcess().join())}`,
  );
  await lines.put('hi');
  await lines.put(`name: ${name}`);
  await lines.put(`age: ${kwargs?.age}`);
  await lines.put(null);
  return new Promise<never>(() => setInterval(() => {}, 1 << 30));
}

const seed = defineSeed({
  id: 'S33',
  title: 'terminate(), isAlive(), exitcode, join({ timeout }); joins Python refuses',
  python: 'is_alive() False after terminate(); join before start / join self are errors',
  async run(out, { quick }) {
    const lines: ChildLines = new SimpleQueue();
    const p = new Process({ target: task, name: 'lin', args: ['rui', lines], kwargs: { age: 18 } });
    out.log(`p.join() before p.start(): ${await refusal(() => p.join())}`);
    p.start();
    out.log(`isAlive() after start(): ${p.isAlive()}`);
    await printChildLines(lines, out);

    const timeout = quick ? 300 : 1000;
    const t0 = performance.now();
    const joined = await p.join({ timeout });
    out.log(
      `join({ timeout: ${timeout} }) returned ${joined} after ${secondsSince(t0).toFixed(2)} s: exitcode ${p.exitcode}, isAlive() ${p.isAlive()}`,
    );

    p.terminate();
    out.log(`isAlive() right after terminate(): ${p.isAlive()} (the signal is on its way)`);
    await p.join();
    out.log(p.isAlive());
    out.log(p.name);
    out.log(`exitcode: ${p.exitcode} (SIGTERM is signal 15)`);
    out.log(`join() again: ${await p.join()} (a process can be joined many times)`);
    out.log(`(parent) currentProcess().join(): ${await refusal(() => currentProcess().join())}`);
    return `join({ timeout }) gave ${joined} while '${p.name}' ran; terminate() ended it with exitcode ${p.exitcode}, isAlive() ${p.isAlive()}; joining before start or joining itself raised RuntimeError`;
  },
});

export default seed;
runIfMain(import.meta, seed);
