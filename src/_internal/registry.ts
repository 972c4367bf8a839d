/**
 * The thread registry: one `SharedArrayBuffer` per process, shared by every weft thread,
 * that gives each thread an ident and records, for each live thread, whether it is alive,
 * what lock it is blocked on (the deadlock graph), its name, and the semaphore permits it
 * holds (returned if it crashes).
 *
 * The main thread creates the registry on first use. Threads that weft starts receive it
 * with their start-up data; a raw `Worker` adopts it from the first weft object it receives
 * (every shared object carries the registry). Idents encode their slot:
 * `ident = generation << SLOT_BITS | slot`, so a reused slot never revives an old ident.
 *
 * Layout (Int32 words):
 *
 * | word | name | meaning |
 * |---|---|---|
 * | 0 | MAGIC | format tag, checked on adoption |
 * | 1 | NEXT_UID | counter for object uids (locks, semaphores…), `Atomics.add` |
 * | 2 | DEATH_EPOCH | bumped (`Atomics.add`) and notified each time a thread ends; waiters compare it between slices to know when to look for dead owners |
 * | 3 | CURSOR | where the next slot search starts (a hint, plain reads and writes) |
 * | 4 | THREAD_COUNTER | numbers default thread names (`Thread-N`) process-wide, `Atomics.add` |
 * | 5 | MAIN_IDENT | ident of the process's main thread (written once, at creation) |
 * | 16 + s·32 … | slot s | see the S_* offsets |
 *
 * Slot words: IDENT (claimed by `compareExchange` 0 → ident; written last on free), STATE
 * (`ALIVE`, `CRASHED`; stored with `Atomics.store`), GEN, WAIT_UID / WAIT_OWNER / WAIT_EPOCH
 * (written only by the slot's own thread: uid and owner first, then the epoch with
 * `Atomics.add`, so a reader that sees the same epoch before and after reading the pair has
 * a consistent pair), NAME_LEN + NAME (UTF-8, 32 bytes), and UNDO: 7 (uid, net) pairs
 * written only by the slot's thread while alive and claimed by others with
 * `compareExchange` on the uid word after it crashed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isMainThread, threadId } from 'node:worker_threads';
import { createArena, WaiterArena } from './waiter_arena.js';

const MAGIC = 0x77656674; // 'weft'
const H_MAGIC = 0;
const H_NEXT_UID = 1;
const H_DEATH_EPOCH = 2;
const H_CURSOR = 3;
const H_THREAD_COUNTER = 4;
const H_MAIN_IDENT = 5;
const HEADER_WORDS = 16;

const SLOT_BITS = 12;
/** Number of thread slots: live threads beyond this get untracked idents. */
export const CAPACITY = 1 << SLOT_BITS;
const SLOT_MASK = CAPACITY - 1;
const MAX_GEN = (1 << (31 - SLOT_BITS)) - 1;
/** Idents at or above this are untracked (the registry was full): always treated as alive. */
const UNTRACKED = 0x7ff00000;

const SLOT_WORDS = 32;
const S_IDENT = 0;
const S_STATE = 1;
const S_GEN = 2;
const S_WAIT_UID = 3;
const S_WAIT_OWNER = 4;
const S_WAIT_EPOCH = 5;
const S_NAME_LEN = 6;
const S_NAME = 7; // 8 words = 32 bytes
const NAME_BYTES = 32;
const S_THREAD_ID = 15; // Node threadId of the isolate that claimed its own ident (raw workers)
const S_UNDO = 18; // 7 pairs (uid, net)
const UNDO_PAIRS = 7;

const STATE_ALIVE = 1;
const STATE_CRASHED = 2;

let words: Int32Array | undefined;
let bytes: Uint8Array | undefined;
let debugWords: Int32Array | undefined;
let arena: WaiterArena | undefined;

/** This thread's view of the process's waiter arena. */
export function waiterArena(): WaiterArena {
  if (!words) create();
  return arena!;
}
let debugWanted = /\blocks\b/.test(process.env.WEFT_DEBUG ?? '');
let isolateIdent = 0;
let untrackedNext = UNTRACKED;

/** The buffers that carry the registry to another thread. */
export interface RegistryBuffers {
  registry: SharedArrayBuffer;
  /** The waiter arena every Condition takes its waiters' slots from (`waiter_arena.ts`). */
  waiters: SharedArrayBuffer;
  /** Present when lock debugging is on: where each held lock was acquired. */
  debug?: SharedArrayBuffer | undefined;
}

/** The registry's buffers, creating them in the main thread (or a thread that never got any). */
export function registryBuffers(): RegistryBuffers {
  if (!words) create();
  return {
    registry: words!.buffer as SharedArrayBuffer,
    waiters: arena!.buffer,
    debug: debugWords?.buffer as SharedArrayBuffer | undefined,
  };
}

function create(): void {
  const sab = new SharedArrayBuffer((HEADER_WORDS + CAPACITY * SLOT_WORDS) * 4);
  words = new Int32Array(sab);
  bytes = new Uint8Array(sab);
  arena = new WaiterArena(createArena());
  words[H_MAGIC] = MAGIC;
  words[H_NEXT_UID] = 1;
  if (isMainThread) {
    isolateIdent = claimIdent('MainThread');
    words[base(isolateIdent) + S_THREAD_ID] = threadId;
    words[H_MAIN_IDENT] = isolateIdent;
  }
  if (debugWanted)
    debugWords = new Int32Array(new SharedArrayBuffer(CAPACITY * SITES_PER_SLOT * SITE_WORDS * 4));
}

/**
 * Adopts a registry received from another thread. Returns false (and keeps its own) if this
 * thread already uses a different one — objects from two registries still work, but
 * deadlock detection and owner-death recovery cannot see across them.
 */
export function adoptRegistry(buffers: RegistryBuffers): boolean {
  if (words) return words.buffer === buffers.registry;
  const w = new Int32Array(buffers.registry);
  if (w[H_MAGIC] !== MAGIC) throw new Error('weft: not a thread registry');
  words = w;
  bytes = new Uint8Array(buffers.registry);
  arena = new WaiterArena(buffers.waiters);
  if (buffers.debug) debugWords = new Int32Array(buffers.debug);
  return true;
}

/**
 * Turns on lock debugging (also `WEFT_DEBUG=locks` in the environment): each acquire records
 * where it happened, and deadlock reports show it. Must be called before the first thread
 * or shared object is created; returns false if it is too late.
 */
export function enableLockDebug(): boolean {
  if (words) return debugWords !== undefined;
  debugWanted = true;
  return true;
}

/** True when acquires should record their call site. */
export function lockDebugEnabled(): boolean {
  return debugWords !== undefined;
}

function reg(): Int32Array {
  if (!words) create();
  return words!;
}

/** A new uid for a shared object (used in names like `Lock#12` and in the deadlock graph). */
export function nextUid(): number {
  return Atomics.add(reg(), H_NEXT_UID, 1);
}

function base(ident: number): number {
  return HEADER_WORDS + (ident & SLOT_MASK) * SLOT_WORDS;
}

function tracked(ident: number): boolean {
  return ident > 0 && ident < UNTRACKED;
}

/**
 * Claims a slot for a new thread and returns its ident. Called by the thread that starts a
 * thread (so that it can mark it ended even if it never ran) or by a thread for itself.
 */
export function claimIdent(name: string): number {
  const w = reg();
  const start = w[H_CURSOR]! & SLOT_MASK;
  for (let i = 0; i < CAPACITY; i++) {
    const s = (start + i) & SLOT_MASK;
    const b = HEADER_WORDS + s * SLOT_WORDS;
    if (Atomics.load(w, b + S_IDENT) !== 0) continue;
    const gen = (w[b + S_GEN]! % MAX_GEN) + 1;
    const ident = (gen << SLOT_BITS) | s;
    if (Atomics.compareExchange(w, b + S_IDENT, 0, ident) !== 0) continue;
    w[b + S_GEN] = gen;
    w[b + S_WAIT_UID] = 0;
    w[b + S_WAIT_OWNER] = 0;
    for (let p = 0; p < UNDO_PAIRS; p++) {
      w[b + S_UNDO + 2 * p] = 0;
      w[b + S_UNDO + 2 * p + 1] = 0;
    }
    writeName(b, name);
    w[b + S_THREAD_ID] = -1;
    Atomics.store(w, b + S_STATE, STATE_ALIVE);
    w[H_CURSOR] = s + 1;
    return ident;
  }
  return untrackedNext++;
}

function writeName(b: number, name: string): void {
  const encoded = Buffer.from(name, 'utf8').subarray(0, NAME_BYTES);
  bytes!.fill(0, (b + S_NAME) * 4, (b + S_NAME) * 4 + NAME_BYTES);
  bytes!.set(encoded, (b + S_NAME) * 4);
  words![b + S_NAME_LEN] = encoded.length;
}

/** Renames a live thread (shown in deadlock reports). */
export function setIdentName(ident: number, name: string): void {
  if (!tracked(ident) || Atomics.load(reg(), base(ident) + S_IDENT) !== ident) return;
  writeName(base(ident), name);
}

/** The name a thread had when it last registered it, or `ident N`. */
export function nameOf(ident: number): string {
  const w = reg();
  const b = base(ident);
  if (!tracked(ident) || Atomics.load(w, b + S_IDENT) !== ident) return `thread ${ident}`;
  const len = w[b + S_NAME_LEN]!;
  return Buffer.from(bytes!.subarray((b + S_NAME) * 4, (b + S_NAME) * 4 + len)).toString('utf8');
}

/** True while the thread with this ident has not ended. */
export function isAlive(ident: number): boolean {
  if (!tracked(ident)) return ident !== 0;
  const w = reg();
  const b = base(ident);
  return Atomics.load(w, b + S_IDENT) === ident && Atomics.load(w, b + S_STATE) === STATE_ALIVE;
}

/**
 * Records that a thread ended. A thread that ended normally frees its slot at once; one
 * that crashed keeps it while it still holds semaphore permits to return.
 */
export function markEnded(ident: number, crashed: boolean): void {
  if (!tracked(ident)) return;
  const w = reg();
  const b = base(ident);
  if (Atomics.load(w, b + S_IDENT) !== ident) return;
  let pendingUndo = false;
  if (crashed) {
    for (let p = 0; p < UNDO_PAIRS; p++)
      if (w[b + S_UNDO + 2 * p] !== 0 && w[b + S_UNDO + 2 * p + 1]! > 0) pendingUndo = true;
  }
  if (pendingUndo) Atomics.store(w, b + S_STATE, STATE_CRASHED);
  else freeSlot(b);
  Atomics.notify(w, b + S_STATE);
  Atomics.add(w, H_DEATH_EPOCH, 1);
  Atomics.notify(w, H_DEATH_EPOCH);
}

function freeSlot(b: number): void {
  const w = words!;
  Atomics.store(w, b + S_STATE, 0);
  Atomics.store(w, b + S_IDENT, 0);
}

/** The ident of the process's main thread (0 if the registry was created elsewhere). */
export function mainIdent(): number {
  return reg()[H_MAIN_IDENT]!;
}

/** The next number for a default thread name, process-wide. */
export function nextThreadNumber(): number {
  return Atomics.add(reg(), H_THREAD_COUNTER, 1) + 1;
}

/**
 * Where to wait for a thread to end: `{arr, index, expected}` for a futex wait that returns
 * when the thread's slot stops being ALIVE; undefined if it already ended (or is untracked).
 */
export function endWatch(
  ident: number,
): { arr: Int32Array; index: number; expected: number } | undefined {
  if (!tracked(ident)) return undefined;
  const w = reg();
  const b = base(ident);
  if (Atomics.load(w, b + S_IDENT) !== ident || Atomics.load(w, b + S_STATE) !== STATE_ALIVE)
    return undefined;
  return { arr: w, index: b + S_STATE, expected: STATE_ALIVE };
}

/** Idents of every live thread in the registry, in slot order. */
export function liveIdents(): number[] {
  const w = reg();
  const out: number[] = [];
  for (let s = 0; s < CAPACITY; s++) {
    const b = HEADER_WORDS + s * SLOT_WORDS;
    const ident = Atomics.load(w, b + S_IDENT);
    if (ident !== 0 && Atomics.load(w, b + S_STATE) === STATE_ALIVE) out.push(ident);
  }
  return out;
}

/** Records the Node threadId of the isolate running thread `ident` (its `nativeId`). */
export function setNativeId(ident: number, nativeId: number): void {
  if (tracked(ident)) reg()[base(ident) + S_THREAD_ID] = nativeId;
}

/** The Node threadId recorded for `ident`, or undefined. */
export function nativeIdOf(ident: number): number | undefined {
  if (!tracked(ident)) return undefined;
  const v = reg()[base(ident) + S_THREAD_ID]!;
  return v >= 0 ? v : undefined;
}

/** Changes whenever a thread ends: compare between waits to know when to look for dead owners. */
export function deathEpoch(): number {
  return Atomics.load(reg(), H_DEATH_EPOCH);
}

// --- the current thread ---------------------------------------------------------------

/** Virtual threads sharing an isolate set their ident in this store. */
export const virtualThreadIdent = new AsyncLocalStorage<number>();
let virtualThreadsActive = false;

/** Called once in an isolate that carries virtual threads. */
export function enableVirtualThreads(): void {
  virtualThreadsActive = true;
}

/** Sets the ident of the thread this isolate runs (given by the thread that started it). */
export function setIsolateIdent(ident: number): void {
  isolateIdent = ident;
}

/** True in an isolate that carries virtual threads (whatever code is calling). */
export function virtualThreadsHere(): boolean {
  return virtualThreadsActive;
}

/** True when the calling code runs in a virtual thread (sharing its isolate with others). */
export function inVirtualThread(): boolean {
  return virtualThreadsActive && virtualThreadIdent.getStore() !== undefined;
}

/**
 * True if the calling code runs in a virtual thread and `ident` is another virtual thread on
 * this same isolate: while the caller blocks, `ident` cannot run.
 */
export function sharesIsolate(ident: number): boolean {
  return inVirtualThread() && ident !== currentIdent() && nativeIdOf(ident) === threadId;
}

/** The ident of the calling thread (the virtual thread, where one is running). */
export function currentIdent(): number {
  if (virtualThreadsActive) {
    const v = virtualThreadIdent.getStore();
    if (v !== undefined) return v;
  }
  return isolateIdent || claimOwnIdent();
}

function claimOwnIdent(): number {
  isolateIdent = claimIdent(isMainThread ? 'MainThread' : `Worker-${threadId}`);
  if (tracked(isolateIdent)) reg()[base(isolateIdent) + S_THREAD_ID] = threadId;
  if (!isMainThread) {
    const ident = isolateIdent;
    process.once('exit', () => markEnded(ident, false));
  }
  return isolateIdent;
}

/**
 * Marks the thread a raw `Worker` registered for itself as ended (see `watchWorker`).
 * `crashed` also returns the semaphore permits it held.
 */
export function markWorkerEnded(workerThreadId: number, crashed: boolean): void {
  const w = reg();
  for (let s = 0; s < CAPACITY; s++) {
    const b = HEADER_WORDS + s * SLOT_WORDS;
    const ident = Atomics.load(w, b + S_IDENT);
    if (
      ident !== 0 &&
      w[b + S_THREAD_ID] === workerThreadId &&
      Atomics.load(w, b + S_STATE) === STATE_ALIVE
    ) {
      markEnded(ident, crashed);
    }
  }
}

// --- the deadlock graph ----------------------------------------------------------------

/**
 * Records that the calling thread blocks (with no timeout) on object `uid` held by `owner`.
 * Recording the same wait again changes nothing, not even the epoch: a thread that merely
 * woke up has not moved, and another thread's second look at a cycle must still confirm it.
 */
export function recordWait(ident: number, uid: number, owner: number): void {
  if (!tracked(ident)) return;
  const w = reg();
  const b = base(ident);
  if (w[b + S_WAIT_UID] === uid && w[b + S_WAIT_OWNER] === owner) return;
  w[b + S_WAIT_UID] = uid;
  w[b + S_WAIT_OWNER] = owner;
  Atomics.add(w, b + S_WAIT_EPOCH, 1);
}

/** Clears the calling thread's wait record. */
export function clearWait(ident: number): void {
  if (!tracked(ident)) return;
  const w = reg();
  const b = base(ident);
  if (w[b + S_WAIT_UID] === 0) return;
  w[b + S_WAIT_UID] = 0;
  w[b + S_WAIT_OWNER] = 0;
  Atomics.add(w, b + S_WAIT_EPOCH, 1);
}

/** What a thread is blocked on: `{uid, owner, epoch}`, or undefined if it is not. */
export function readWait(ident: number): { uid: number; owner: number; epoch: number } | undefined {
  if (!tracked(ident)) return undefined;
  const w = reg();
  const b = base(ident);
  if (Atomics.load(w, b + S_IDENT) !== ident) return undefined;
  const e1 = Atomics.load(w, b + S_WAIT_EPOCH);
  const uid = w[b + S_WAIT_UID]!;
  const owner = w[b + S_WAIT_OWNER]!;
  if (Atomics.load(w, b + S_WAIT_EPOCH) !== e1 || uid === 0) return undefined;
  return { uid, owner, epoch: e1 };
}

// --- semaphore undo ---------------------------------------------------------------------

/**
 * Adds `delta` to the permits of semaphore `uid` the calling thread holds. Only positive
 * balances are kept: a thread that releases permits it never acquired (signalling) owes
 * nothing back. If all pairs are in use the permit goes untracked.
 */
export function adjustUndo(ident: number, uid: number, delta: number): void {
  if (!tracked(ident)) return;
  const w = reg();
  const b = base(ident) + S_UNDO;
  let free = -1;
  for (let p = 0; p < UNDO_PAIRS * 2; p += 2) {
    const u = w[b + p]!;
    if (u === uid) {
      const net = w[b + p + 1]! + delta;
      if (net <= 0) {
        w[b + p + 1] = 0;
        Atomics.store(w, b + p, 0);
      } else w[b + p + 1] = net;
      return;
    }
    if (u === 0 && free < 0) free = p;
  }
  if (delta > 0 && free >= 0) {
    w[b + free + 1] = delta;
    Atomics.store(w, b + free, uid);
  }
}

/**
 * Claims the permits of semaphore `uid` held by crashed threads and returns their number;
 * each crashed thread's balance is claimed by exactly one caller.
 */
export function claimCrashedPermits(uid: number): number {
  const w = reg();
  let total = 0;
  for (let s = 0; s < CAPACITY; s++) {
    const b = HEADER_WORDS + s * SLOT_WORDS;
    if (Atomics.load(w, b + S_STATE) !== STATE_CRASHED) continue;
    let remaining = 0;
    for (let p = 0; p < UNDO_PAIRS * 2; p += 2) {
      const u = Atomics.load(w, b + S_UNDO + p);
      if (u === 0) continue;
      if (u === uid && Atomics.compareExchange(w, b + S_UNDO + p, uid, 0) === uid) {
        total += w[b + S_UNDO + p + 1]!;
        w[b + S_UNDO + p + 1] = 0;
      } else remaining++;
    }
    if (
      remaining === 0 &&
      Atomics.compareExchange(w, b + S_STATE, STATE_CRASHED, 0) === STATE_CRASHED
    ) {
      Atomics.store(w, b + S_IDENT, 0);
    }
  }
  return total;
}

// --- acquisition sites (lock debugging) -------------------------------------------------

const SITES_PER_SLOT = 4;
const SITE_WORDS = 32; // uid, byte length, 30 words of UTF-8
const SITE_BYTES = (SITE_WORDS - 2) * 4;

/** Records where thread `ident` acquired object `uid` (debug only; newest replaces oldest). */
export function recordSite(ident: number, uid: number, site: string): void {
  if (!debugWords || !tracked(ident)) return;
  const d = debugWords;
  const first = (ident & SLOT_MASK) * SITES_PER_SLOT * SITE_WORDS;
  let target = first;
  for (let i = 0; i < SITES_PER_SLOT; i++) {
    const at = first + i * SITE_WORDS;
    if (d[at] === uid || d[at] === 0) {
      target = at;
      break;
    }
  }
  const encoded = Buffer.from(site, 'utf8').subarray(0, SITE_BYTES);
  new Uint8Array(d.buffer).set(encoded, (target + 2) * 4);
  d[target + 1] = encoded.length;
  Atomics.store(d, target, uid);
}

/** Forgets the site of `uid` for thread `ident` (on release). */
export function forgetSite(ident: number, uid: number): void {
  if (!debugWords || !tracked(ident)) return;
  const first = (ident & SLOT_MASK) * SITES_PER_SLOT * SITE_WORDS;
  for (let i = 0; i < SITES_PER_SLOT; i++) {
    if (debugWords[first + i * SITE_WORDS] === uid)
      Atomics.store(debugWords, first + i * SITE_WORDS, 0);
  }
}

/** Where thread `ident` acquired `uid`, if recorded. */
export function siteOf(ident: number, uid: number): string | undefined {
  if (!debugWords || !tracked(ident)) return undefined;
  const first = (ident & SLOT_MASK) * SITES_PER_SLOT * SITE_WORDS;
  for (let i = 0; i < SITES_PER_SLOT; i++) {
    const at = first + i * SITE_WORDS;
    if (Atomics.load(debugWords, at) !== uid) continue;
    const len = debugWords[at + 1]!;
    return Buffer.from(new Uint8Array(debugWords.buffer, (at + 2) * 4, len)).toString('utf8');
  }
  return undefined;
}

/**
 * The caller's site outside weft, for lock debugging: `file:line:col`. Skips weft's frames,
 * Node's, and builtins without a location (the generator `next()` of a contended acquire).
 */
export function callerSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  const outside = stack.find(
    (l) =>
      !l.includes(weftSourceRoot) && !l.includes('node:internal') && !l.endsWith('(<anonymous>)'),
  );
  return (outside ?? stack[0] ?? '').trim().replace(/^at /, '');
}

/** weft's own compiled sources (`…/dist/src/`), whose frames are skipped in call sites. */
const weftSourceRoot = new URL('..', import.meta.url).href;
