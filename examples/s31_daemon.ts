/**
 * S31: `daemon = true`. A daemon child dies with its parent; a parent waits for its other
 * children before it exits. The example runs the tutorial's program (`s31_daemon_parent`) as a
 * program of its own, twice, reads what it and its child print, and looks the child up once the
 * parent has exited:
 *
 * - a daemon child that would run forever: the parent says it is done and exits at once, and
 *   its child is gone with it;
 * - a child that is not a daemon: the parent says it is done first, and exits only after its
 *   child has printed its lines and ended.
 *
 * Python's rule is that the parent terminates its daemon children when it exits; weft's does
 * it with SIGKILL from its `exit` handler (a child also ends by itself when its parent dies in
 * any other way, even by SIGKILL: no child outlives its parent).
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { defineSeed, runIfMain } from './_seed.js';
import { isRunning, spawnExample } from './_util.js';

interface ParentRun {
  lines: string[];
  code: number | null;
  /** Seconds from the parent's `Done!` line to its exit. */
  afterDone: number;
}

/** Runs `s31_daemon_parent` with `args`; collects its (and its child's) output until it exits. */
async function runParent(args: string[]): Promise<ParentRun> {
  const parent = spawnExample(import.meta, 's31_daemon_parent', args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const guard = setTimeout(() => parent.kill('SIGKILL'), 60_000);
  const lines: string[] = [];
  let done = 0;
  createInterface({ input: parent.stdout! }).on('line', (line) => {
    lines.push(line);
    if (line.endsWith('Done!')) done = performance.now();
  });
  // The child shares the parent's stdout: the pipe closes when both have ended. A child still
  // running would hold it open; stop reading a moment after the parent's exit, not wait for it.
  const closed = once(parent.stdout!, 'close');
  const [code] = (await once(parent, 'exit')) as [number | null];
  const exited = performance.now();
  clearTimeout(guard);
  const grace = setTimeout(() => parent.stdout!.destroy(), 2000);
  await closed;
  clearTimeout(grace);
  return { lines, code, afterDone: done ? (exited - done) / 1000 : Number.NaN };
}

/** The pid in a child's line `My current pid C, My parent pid P`. */
function childPid(lines: string[]): number {
  const line = lines.find((l) => l.includes('My parent pid'));
  return Number(/My current pid (\d+)/.exec(line ?? '')?.[1]);
}

/** Waits up to `ms` for `pid` to be gone; returns whether it is. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const t0 = performance.now();
  while (isRunning(pid) && performance.now() - t0 < ms) await new Promise((r) => setTimeout(r, 20));
  return !isRunning(pid);
}

const seed = defineSeed({
  id: 'S31',
  title: 'daemon = true: the child dies with its parent',
  python: 'daemon child gone with its parent; without daemon the parent waits for it',
  async run(out, { quick }) {
    const ms = quick ? 100 : 1000;
    const times = quick ? 3 : 5;

    out.log('p1.daemon = true, a child that runs forever:');
    const d = await runParent(['daemon', String(ms)]);
    for (const line of d.lines) out.log(`  ${line}`);
    const daemonPid = childPid(d.lines);
    const gone = Number.isInteger(daemonPid) && (await goneWithin(daemonPid, 5000));
    out.log(
      `the parent exited (code ${d.code}); its daemon child ${daemonPid} is ${gone ? 'gone' : 'still running'}`,
    );

    out.log(`p1.daemon = false, a child that prints ${times} times:`);
    const n = await runParent(['normal', String(ms), String(times)]);
    for (const line of n.lines) out.log(`  ${line}`);
    const printed = n.lines.filter((l) => l.includes('My parent pid')).length;
    out.log(
      `the parent exited (code ${n.code}) ${n.afterDone.toFixed(2)} s after its Done!, once its child had printed ${printed} lines and ended`,
    );
    return `a daemon child ${gone ? 'died' : 'did NOT die'} with its parent; a non-daemon child printed its ${printed} lines before its parent exited`;
  },
});

export default seed;
runIfMain(import.meta, seed);
