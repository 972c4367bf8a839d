/**
 * Worker side of the `shared` suite: runs one named loop on the objects it is given and posts
 * how long it took. Started by `bench/cases/shared.ts` with plain `worker_threads` so that only
 * the primitive differs between implementations.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Condition, type Lock, revive, type Semaphore } from 'weft/threading';

interface Job {
  kind: string;
  n: number;
  start: Int32Array;
  counter: Int32Array;
  lock?: Lock;
  cond?: Condition;
  sem?: Semaphore;
  inside?: Int32Array;
  turn?: Int32Array;
  me?: number;
}

const job = revive(workerData) as Job;

/** The two loops a raw-Atomics baseline uses: a CAS spin-then-wait lock. */
function rawLock(w: Int32Array): void {
  if (Atomics.compareExchange(w, 0, 0, 1) === 0) return;
  for (;;) {
    if (Atomics.exchange(w, 0, 2) === 0) return;
    Atomics.wait(w, 0, 2);
  }
}
function rawUnlock(w: Int32Array): void {
  if (Atomics.sub(w, 0, 1) !== 1) {
    Atomics.store(w, 0, 0);
    Atomics.notify(w, 0, 1);
  }
}

const loops: Record<string, (j: Job) => void> = {
  weftLock(j) {
    const lock = j.lock!;
    const c = j.counter;
    for (let i = 0; i < j.n; i++) {
      lock.acquireSync();
      c[1] = c[1]! + 1;
      lock.release();
    }
  },
  rawLock(j) {
    const c = j.counter;
    for (let i = 0; i < j.n; i++) {
      rawLock(c);
      c[1] = c[1]! + 1;
      rawUnlock(c);
    }
  },
  weftPingPong(j) {
    const cond = j.cond!;
    const turn = j.turn!;
    for (let i = 0; i < j.n; i++) {
      cond.acquireSync();
      while (turn[0] !== j.me) cond.waitSync();
      turn[0] = 1 - j.me!;
      cond.notify();
      cond.release();
    }
  },
  rawPingPong(j) {
    const turn = j.turn!;
    for (let i = 0; i < j.n; i++) {
      while (Atomics.load(turn, 0) !== j.me) Atomics.wait(turn, 0, 1 - j.me!);
      Atomics.store(turn, 0, 1 - j.me!);
      Atomics.notify(turn, 0, 1);
    }
  },
  weftSemaphore(j) {
    const sem = j.sem!;
    const inside = j.inside!;
    for (let i = 0; i < j.n; i++) {
      sem.acquireSync();
      const now = Atomics.add(inside, 0, 1) + 1;
      if (now > inside[1]!) inside[1] = now;
      Atomics.sub(inside, 0, 1);
      sem.release();
    }
  },
};

Atomics.wait(job.start, 0, 0);
const t0 = performance.now();
loops[job.kind]!(job);
parentPort!.postMessage(performance.now() - t0);
