/**
 * S80: avoiding deadlock with timeouts. Two threads take locks A and B in opposite orders,
 * as in S09, but wait for their second lock at most a moment: `acquireSync({ timeout })`
 * returns false instead of waiting forever, and the thread lets go of its first lock, backs
 * off and tries again. Then every waiting call of `weft/threading` is shown with a timeout
 * (Python's result: `false`) and with an `AbortSignal` (rejects with the signal's reason).
 *
 * The tutorial's advice (死锁: 添加超时时间等), in Python:
 *   if not B.acquire(timeout=0.1):
 *       A.release()   # give up what we hold, so the other thread can finish
 *       ...           # back off, try again
 */
import { Condition, currentThread, Event, Lock, RLock, Semaphore, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { joinAll, type LogBuffer, print, sleepSync, startAll, ThreadLog } from './_util.js';

/**
 * Takes `first`, then `second` with a timeout; on timeout releases `first`, waits
 * `backoffMs` and tries again. On the first try it waits (with a timeout too) until the other
 * thread holds its first lock, so that both really collide.
 */
export function careful(
  first: Lock,
  second: Lock,
  names: [string, string],
  meeting: { mine: Event; theirs: Event },
  log: LogBuffer,
  timeoutMs: number,
  backoffMs: number,
): void {
  const me = currentThread().name;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) sleepSync(backoffMs);
    using _a = first.acquireSync();
    print(log, `${me} got ${names[0]} (try ${attempt})`);
    if (attempt === 1) {
      meeting.mine.set();
      meeting.theirs.waitSync({ timeout: 10_000 });
    }
    const got = second.acquireSync({ timeout: timeoutMs });
    if (!got) {
      print(
        log,
        `${me} gave up waiting for ${names[1]} after ${timeoutMs} ms: releases ${names[0]}, backs off`,
      );
      continue;
    }
    using _b = got;
    print(log, `${me} got ${names[1]}: done`);
    return;
  }
}

/** Holds a lock, an RLock and a semaphore's only permit until `release` is set. */
export function holder(lock: Lock, rlock: RLock, sem: Semaphore, held: Event, release: Event) {
  using _l = lock.acquireSync();
  using _r = rlock.acquireSync();
  using _s = sem.acquireSync();
  held.set();
  release.waitSync({ timeout: 60_000 });
}

/** What a waiting call gave: `false`, `true`, or the name of the error it rejected with. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    return String(Boolean(await call()));
  } catch (err) {
    return `rejected: ${(err as Error).name}`;
  }
}

const seed = defineSeed({
  id: 'S80',
  title: 'deadlock avoidance with lock timeouts',
  python: 'acquire(timeout=…) returns False; back off and retry',
  async run(out, { quick }) {
    const ms = quick ? 30 : 200;
    await using log = new ThreadLog(out);
    const A = new Lock();
    const B = new Lock();
    const aHeld = new Event();
    const bHeld = new Event();
    const t1 = new Thread({
      target: careful,
      args: [A, B, ['A', 'B'], { mine: aHeld, theirs: bHeld }, log.buffer, ms * 2, 0],
    });
    const t2 = new Thread({
      target: careful,
      args: [B, A, ['B', 'A'], { mine: bHeld, theirs: aHeld }, log.buffer, ms * 2, ms * 4],
    });
    await joinAll(startAll([t1, t2]));

    log.print(
      `-- every waiting call, with { timeout: ${ms} } and with { signal } aborted after ${ms} ms`,
    );
    const lock = new Lock();
    const rlock = new RLock();
    const sem = new Semaphore(1);
    const held = new Event();
    const release = new Event();
    const h = new Thread({
      target: holder,
      args: [lock, rlock, sem, held, release],
      name: 'holder',
    });
    h.start();
    await held.wait({ timeout: 10_000 });
    const cond = new Condition();
    const never = new Event();
    const calls: [string, (o: { timeout?: number; signal?: AbortSignal }) => Promise<unknown>][] = [
      ['lock.acquire()', (o) => lock.acquire(o)],
      ['rlock.acquire()', (o) => rlock.acquire(o)],
      ['semaphore.acquire()', (o) => sem.acquire(o)],
      ['event.wait()', (o) => never.wait(o)],
      [
        'condition.wait()',
        async (o) => {
          using _ = await cond.acquire();
          return await cond.wait(o); // await: the lock is released when the block ends
        },
      ],
      ['thread.join()', (o) => h.join(o)],
    ];
    let results = 0;
    for (const [name, call] of calls) {
      const timedOut = await outcome(() => call({ timeout: ms }));
      const aborted = await outcome(() => call({ signal: AbortSignal.timeout(ms) }));
      log.print(`${name.padEnd(22)}${timedOut.padEnd(8)}${aborted}`);
      if (timedOut === 'false' && aborted === 'rejected: TimeoutError') results++;
    }
    log.print('(the *Sync forms take the same options: acquireSync({ timeout }) above)');
    release.set();
    await h.join();
    return `the threads backed off on timeouts instead of deadlocking; ${results}/${calls.length} waiting calls gave false on timeout and rejected on abort`;
  },
});

export default seed;
runIfMain(import.meta, seed);
