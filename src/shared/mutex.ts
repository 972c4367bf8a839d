/**
 * The mutex algorithm on shared memory, used by `Lock`, `RLock`, `Condition` and the
 * cross-thread queues. It works on five words at an offset of any `Int32Array`, so a
 * primitive can keep its mutex in its own buffer.
 *
 * | word | name | meaning and ordering |
 * |---|---|---|
 * | +0 | STATE | 0 free, 1 locked, 2 locked and maybe waited for ("Futexes Are Tricky", mutex3). `compareExchange(0→1)` acquires uncontended; a waiter acquires with `exchange(2)` (so a release after it always takes the waking path); release does `sub(1)` and, if the old value was 2, `store(0)` then `notify(1)` — or keeps 2 and hands over (below). Waiters sleep on this word expecting 2. |
 * | +1 | OWNER | ident of the holder: plain write right after acquiring, plain clear right before the releasing `sub` (whose full fence publishes it). A waiter that finds the holder dead takes over with `compareExchange(dead→self)`; only the dead holder could otherwise write it, so exactly one waiter wins. |
 * | +2 | FLAGS | STARVING: a waiter has waited over {@link STARVE_MS}; set with `Atomics.or`. HANDOFF: a release kept STATE at 2 and woke one waiter, which claims the lock by clearing the bit with `compareExchange`; the releaser sets it before `notify`, so the woken waiter sees it. |
 * | +3 | WAITERS | threads in the slow path (`add`/`sub`); the release hands over only if it is non-zero. |
 * | +4 | UID | the registry uid (constant): the lock's name in deadlock reports. |
 * | +5 | HANDOFF_AT | when the pending handoff was made (`Date.now()`, low 31 bits; plain write before HANDOFF is set, whose `Atomics.or` publishes it). A handoff nobody claimed within {@link HANDOFF_EXPIRY_MS} may be claimed by any waiter (see below). |
 *
 * Fairness: normally a release frees the lock and wakes one waiter, and a thread that comes
 * along meanwhile may take it first (barging: far higher throughput, since a wake costs tens
 * of microseconds). A waiter passed over for more than {@link STARVE_MS} switches the lock
 * to handoff mode, where each release passes the lock directly to the longest-sleeping
 * waiter (the futex queue is FIFO) and newcomers queue behind. The mode ends when the
 * waiter that received the lock waited less than STARVE_MS or was the last one (Go's
 * sync.Mutex policy). No waiter starves.
 *
 * A handoff's recipient claims it when it runs. An async waiter runs only when its isolate's
 * event loop gets to it — and if that isolate is blocked meanwhile (another virtual thread of
 * it taking the same lock synchronously, for a brief internal critical section), it never
 * would. So a handoff left unclaimed for {@link HANDOFF_EXPIRY_MS} expires: any waiter that
 * wakes may claim it (with the same `compareExchange`, so still exactly one owner), and a late
 * recipient finds it gone and competes again. Blocking waits in an isolate that carries
 * virtual threads wake every {@link SHARED_ISOLATE_SLICE_MS} to look.
 */
import {
  breaksCycle,
  CONFIRM_MS,
  deadlockError,
  findCycle,
  sameCycle,
  sameIsolateError,
  type WaitEdge,
} from '../_internal/deadlock.js';
import { notify } from '../_internal/futex.js';
import { remaining, type Steps, slice } from '../_internal/park.js';
import {
  callerSite,
  clearWait,
  forgetSite,
  isAlive,
  lockDebugEnabled,
  recordSite,
  recordWait,
  sharesIsolate,
  virtualThreadsHere,
} from '../_internal/registry.js';
import { RuntimeError } from '../errors.js';

const STATE = 0;
const OWNER = 1;
const FLAGS = 2;
const WAITERS = 3;
const UID = 4;
const HANDOFF_AT = 5;
/** Words a mutex occupies. */
export const MUTEX_WORDS = 6;

const STARVING = 1;
const HANDOFF = 2;

/** How long a waiter may be passed over before releases hand the lock to waiters in turn. */
export const STARVE_MS = 1;

/** How long a handoff waits for its recipient before any waiter may claim it. */
export const HANDOFF_EXPIRY_MS = 20;

/** The longest blocking wait in an isolate that carries virtual threads (see the handoff note). */
export const SHARED_ISOLATE_SLICE_MS = 10;

/** `Date.now()` in the 31 bits a word holds. */
export function nowMs31(): number {
  return Date.now() & 0x7fffffff;
}

/** True if a handoff made at `at` (a {@link nowMs31} time) is older than the expiry. */
export function handoffExpired(at: number): boolean {
  return ((nowMs31() - at) & 0x7fffffff) > HANDOFF_EXPIRY_MS;
}

/** How an acquire ended: not acquired, acquired, or acquired by taking over from a holder that died. */
export const Acquired = { No: 0, Yes: 1, OwnerDied: 2 } as const;
export type Acquired = (typeof Acquired)[keyof typeof Acquired];

export class Mutex {
  private readonly debug = lockDebugEnabled();

  /** A mutex on `w[base … base+5)`; call {@link init} once when creating a new one. */
  constructor(
    private readonly w: Int32Array,
    private readonly base: number,
  ) {}

  /** Writes the initial state of a newly created mutex. */
  init(uid: number): void {
    this.w[this.base + UID] = uid;
  }

  /** The registry uid that names this mutex. */
  get uid(): number {
    return this.w[this.base + UID]!;
  }

  /** Uncontended acquire: one compare-exchange. */
  tryAcquire(me: number): boolean {
    const w = this.w;
    const b = this.base;
    if (Atomics.compareExchange(w, b + STATE, 0, 1) !== 0) return false;
    w[b + OWNER] = me;
    if (this.debug) recordSite(me, w[b + UID]!, callerSite());
    return true;
  }

  /** True if the lock is free right now (for bounded spinning). */
  looksFree(): boolean {
    return Atomics.load(this.w, this.base + STATE) === 0;
  }

  /** True while held by anyone. */
  locked(): boolean {
    return Atomics.load(this.w, this.base + STATE) !== 0;
  }

  /** The holder's ident (0 if free or not yet recorded). */
  owner(): number {
    return Atomics.load(this.w, this.base + OWNER);
  }

  /**
   * The contended acquire, for {@link runSync} / {@link runAsync}. `detect` turns on deadlock
   * detection (blocking waits with no deadline only: a timed wait ends by itself).
   */
  *acquireSteps(me: number, deadline: number | undefined, detect: boolean): Steps<Acquired> {
    const w = this.w;
    const b = this.base;
    const uid = w[b + UID]!;
    const started = performance.now();
    let candidate: WaitEdge[] | undefined;
    let recorded = false;
    Atomics.add(w, b + WAITERS, 1);
    try {
      let c = Atomics.exchange(w, b + STATE, 2);
      for (;;) {
        if (c === 0) return this.took(me, Acquired.Yes);
        if (this.takeOverFromDead(me)) return this.took(me, Acquired.OwnerDied);
        if (remaining(deadline) === 0) return Acquired.No;
        let timeout = slice(deadline);
        if (detect) {
          const owner = w[b + OWNER]!;
          if (owner !== 0 && sharesIsolate(owner)) throw sameIsolateError(me, uid, owner);
          recordWait(me, uid, owner);
          recorded = true;
          const found = owner !== 0 ? findCycle(me, owner) : undefined;
          const cycle = found && breaksCycle(me, found) ? found : undefined;
          if (cycle && candidate && sameCycle(candidate, cycle))
            throw deadlockError(me, uid, owner, cycle);
          candidate = cycle;
          if (cycle) timeout = Math.min(timeout, CONFIRM_MS);
        }
        if (virtualThreadsHere()) timeout = Math.min(timeout, SHARED_ISOLATE_SLICE_MS);
        const r = yield {
          arr: w,
          index: b + STATE,
          expected: 2,
          timeout,
          onAbandonedWake: this.passOn,
        };
        if ((r === 'ok' || handoffExpired(w[b + HANDOFF_AT]!)) && this.claimHandoff()) {
          if (performance.now() - started < STARVE_MS || Atomics.load(w, b + WAITERS) <= 1) {
            Atomics.and(w, b + FLAGS, ~STARVING);
          }
          return this.took(me, Acquired.Yes);
        }
        if (performance.now() - started > STARVE_MS) Atomics.or(w, b + FLAGS, STARVING);
        c = Atomics.exchange(w, b + STATE, 2);
      }
    } finally {
      Atomics.sub(w, b + WAITERS, 1);
      if (recorded) clearWait(me);
    }
  }

  private took(me: number, how: Acquired): Acquired {
    this.w[this.base + OWNER] = me;
    if (this.debug) recordSite(me, this.w[this.base + UID]!, callerSite());
    return how;
  }

  /** Releases; any thread may (Python's Lock). Throws if the mutex is not locked. */
  release(): void {
    const w = this.w;
    const b = this.base;
    if (Atomics.load(w, b + STATE) === 0) throw new RuntimeError('release unlocked lock');
    if (this.debug) forgetSite(w[b + OWNER]!, w[b + UID]!);
    w[b + OWNER] = 0;
    if (Atomics.sub(w, b + STATE, 1) !== 1) this.wake();
  }

  /** STATE was 2 and is now 1: free the lock and wake a waiter, or hand it to one. */
  private wake(): void {
    const w = this.w;
    const b = this.base;
    if (Atomics.load(w, b + FLAGS) & STARVING && Atomics.load(w, b + WAITERS) > 0) {
      Atomics.store(w, b + STATE, 2);
      w[b + HANDOFF_AT] = nowMs31();
      Atomics.or(w, b + FLAGS, HANDOFF);
      if (notify(w, b + STATE, 1) > 0) return;
      // Nobody was asleep to take it. Undo the handoff unless a waiter woken earlier took it.
      if (!this.claimHandoff()) return;
    }
    Atomics.store(w, b + STATE, 0);
    notify(w, b + STATE, 1);
  }

  private claimHandoff(): boolean {
    const w = this.w;
    const i = this.base + FLAGS;
    let f = Atomics.load(w, i);
    while (f & HANDOFF) {
      const seen = Atomics.compareExchange(w, i, f, f & ~HANDOFF);
      if (seen === f) return true;
      f = seen;
    }
    return false;
  }

  /** An abandoned async wait was woken: take a handoff meant for it and release at once, or wake the next waiter. */
  private readonly passOn = (): void => {
    if (this.claimHandoff()) this.release();
    else notify(this.w, this.base + STATE, 1);
  };

  private takeOverFromDead(me: number): boolean {
    const w = this.w;
    const b = this.base;
    const o = Atomics.load(w, b + OWNER);
    if (o === 0 || isAlive(o)) return false;
    if (Atomics.compareExchange(w, b + OWNER, o, me) !== o) return false;
    Atomics.store(w, b + STATE, 2);
    return true;
  }
}
