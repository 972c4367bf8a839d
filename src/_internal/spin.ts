/**
 * Bounded spinning before a blocking wait. A futex wake costs 20–50 µs on these machines
 * (an idle vCPU halts); a lock held for nanoseconds by a thread on another core is usually
 * free again within a few hundred polls, so the sync slow paths poll a little before they
 * sleep. Never on a single core (the holder cannot run while we spin) and never in async
 * forms (spinning would stall the event loop).
 */
import { availableParallelism } from 'node:os';

/** Polls to try before parking; 0 on a single-core machine. */
export const SPIN_POLLS = availableParallelism() > 1 ? 1000 : 0;

/**
 * Polls `ready` up to {@link SPIN_POLLS} times; returns true as soon as it does.
 * `ready` must be cheap (an `Atomics.load` and a compare).
 */
export function spinUntil(ready: () => boolean): boolean {
  for (let i = 0; i < SPIN_POLLS; i++) if (ready()) return true;
  return false;
}

/** True if `arr[index]` stops holding `expected` within {@link SPIN_POLLS} polls. */
export function changedSoon(arr: Int32Array, index: number, expected: number): boolean {
  for (let i = 0; i < SPIN_POLLS; i++) if (Atomics.load(arr, index) !== expected) return true;
  return false;
}
