/**
 * Deadlock detection over the registry's wait records.
 *
 * A thread about to block on a lock with no timeout records `(lock uid, owner it saw)`.
 * Before it sleeps it follows the chain: the owner's record says which lock that owner is
 * blocked on and who holds that one, and so on. If the chain comes back to the caller, every
 * thread on it waits for the next: none can ever move. Records are written by their own
 * threads and can be a moment stale (an owner that just released wakes its waiter, which then
 * rewrites its record), so a cycle is reported only when a second look, one short wait later,
 * finds the same threads with unchanged records.
 */
import { DeadlockError } from '../errors.js';
import { nameOf, readWait, siteOf } from './registry.js';

/** One edge of a wait-for cycle: `thread` waits for `uid`, held by `heldBy`. */
export interface WaitEdge {
  thread: number;
  uid: number;
  heldBy: number;
  epoch: number;
}

const MAX_CHAIN = 64;

/**
 * Follows wait records from `owner` (the holder of the lock `me` is about to wait for).
 * Returns the edges of the cycle back to `me`, or undefined.
 */
export function findCycle(me: number, owner: number): WaitEdge[] | undefined {
  const edges: WaitEdge[] = [];
  let t = owner;
  for (let i = 0; i < MAX_CHAIN && t !== 0; i++) {
    if (t === me) return edges;
    const rec = readWait(t);
    if (!rec) return undefined;
    edges.push({ thread: t, uid: rec.uid, heldBy: rec.owner, epoch: rec.epoch });
    t = rec.owner;
  }
  return undefined;
}

/** True if two looks found the same cycle with unchanged records. */
export function sameCycle(a: readonly WaitEdge[], b: readonly WaitEdge[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (e, i) =>
        e.thread === b[i]!.thread &&
        e.uid === b[i]!.uid &&
        e.epoch === b[i]!.epoch &&
        e.heldBy === b[i]!.heldBy,
    )
  );
}

/**
 * True if `me` is the thread of the cycle that raises: the one with the highest ident. Every
 * thread of a cycle is blocked in the same detecting loop and looks again within a slice, so
 * that one finds the cycle too; the others keep waiting, and only one thread gets the error.
 */
export function breaksCycle(me: number, edges: readonly WaitEdge[]): boolean {
  return edges.every((e) => e.thread < me);
}

/** How long the second look waits. */
export const CONFIRM_MS = 20;

/** The error for a confirmed cycle, naming every thread and lock on it. */
export function deadlockError(
  me: number,
  uid: number,
  owner: number,
  edges: readonly WaitEdge[],
): DeadlockError {
  const lockName = (u: number): string => `lock #${u}`;
  const at = (thread: number, u: number): string => {
    const site = siteOf(thread, u);
    return site ? ` (acquired at ${site})` : '';
  };
  const parts = [
    `${nameOf(me)} waits for ${lockName(uid)} held by ${nameOf(owner)}${at(owner, uid)}`,
  ];
  for (const e of edges)
    parts.push(
      `${nameOf(e.thread)} waits for ${lockName(e.uid)} held by ${nameOf(e.heldBy)}${at(e.heldBy, e.uid)}`,
    );
  return new DeadlockError(`deadlock: ${parts.join('; ')}`);
}

/**
 * The error for a blocking wait in a virtual thread on a lock held by another virtual thread
 * of the same isolate: the holder cannot run to release it while the isolate is blocked.
 */
export function sameIsolateError(me: number, uid: number, owner: number): DeadlockError {
  const site = siteOf(owner, uid);
  return new DeadlockError(
    `deadlock: ${nameOf(me)} would block its isolate waiting for lock #${uid} held by ${nameOf(owner)}` +
      `${site ? ` (acquired at ${site})` : ''}, a virtual thread on the same isolate, which cannot ` +
      "run to release it: hold the lock only briefly, or start the threads with { isolate: 'own' }",
  );
}
