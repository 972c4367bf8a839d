/**
 * The carriers of this isolate's threads: worker isolates, kept warm and reused.
 *
 * - `own` carriers run one thread each. When the thread ends the carrier waits, unreferenced,
 *   for the next one (a warm start costs a message instead of a new isolate) and exits after
 *   {@link IDLE_MS} unused.
 * - `virtual` carriers run many async threads at once, up to one carrier per CPU; a new
 *   thread goes to the least busy one.
 *
 * A carrier holds a reference on the event loop while it runs a non-daemon thread, so the
 * process lives until those end (Python joins non-daemon threads at exit), and daemon
 * threads never keep it alive.
 */
import { availableParallelism } from 'node:os';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { markEnded, registryBuffers, setNativeId } from '../_internal/registry.js';

/** How long an idle own carrier waits for another thread before exiting. */
export const IDLE_MS = 10_000;

/** What a carrier reports when one of its threads ends. */
export interface Done {
  error?: unknown;
  crashed: boolean;
}

interface Running {
  daemon: boolean;
  done: (result: Done) => void;
}

export type CarrierMode = 'own' | 'virtual';

class Carrier {
  readonly worker: Worker;
  readonly running = new Map<number, Running>();
  #nonDaemon = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  alive = true;
  /** True once the isolate has booted and can run a thread at once. */
  ready = false;

  constructor(readonly mode: CarrierMode) {
    this.worker = new Worker(new URL('./carrier_main.js', import.meta.url), {
      workerData: { weftCarrier: mode, registry: registryBuffers() },
      env: SHARE_ENV,
    });
    this.worker.on(
      'message',
      (m: { t: string; ident: number; error?: unknown; crashed: boolean }) => {
        if (m.t === 'done') this.#finish(m.ident, { error: m.error, crashed: m.crashed });
        else if (m.t === 'ready') this.ready = true;
      },
    );
    this.worker.on('error', (err) => this.#died(err));
    this.worker.on('exit', (code) =>
      this.#died(new Error(`the thread's isolate exited with code ${code}`)),
    );
    // After adding the listeners: a first 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  /** Starts a thread on this carrier. */
  run(ident: number, daemon: boolean, payload: unknown, done: (result: Done) => void): void {
    clearTimeout(this.#idleTimer);
    this.running.set(ident, { daemon, done });
    if (!daemon && this.#nonDaemon++ === 0) this.worker.ref();
    setNativeId(ident, this.worker.threadId);
    this.worker.postMessage({ t: 'run', payload });
  }

  #finish(ident: number, result: Done): void {
    const r = this.running.get(ident);
    if (!r) return;
    this.running.delete(ident);
    if (!r.daemon && --this.#nonDaemon === 0) this.worker.unref();
    if (this.mode === 'own') this.#becomeIdle();
    r.done(result);
  }

  #becomeIdle(): void {
    if (!this.alive) return;
    idleOwn.push(this);
    this.#idleTimer = setTimeout(() => {
      const i = idleOwn.indexOf(this);
      if (i >= 0) idleOwn.splice(i, 1);
      this.alive = false;
      void this.worker.terminate();
    }, IDLE_MS);
    this.#idleTimer.unref();
  }

  #died(err: unknown): void {
    if (!this.alive && this.running.size === 0) return;
    this.alive = false;
    clearTimeout(this.#idleTimer);
    const i = idleOwn.indexOf(this);
    if (i >= 0) idleOwn.splice(i, 1);
    const v = virtualCarriers.indexOf(this);
    if (v >= 0) virtualCarriers.splice(v, 1);
    for (const [ident, r] of this.running) {
      markEnded(ident, true);
      r.done({ error: err, crashed: true });
    }
    this.running.clear();
    if (this.#nonDaemon > 0) this.worker.unref();
    this.#nonDaemon = 0;
  }
}

const idleOwn: Carrier[] = [];
const virtualCarriers: Carrier[] = [];
const maxVirtual = Math.max(1, availableParallelism());

/** @internal Ends every idle own carrier now (benchmarks use it to measure a cold start). */
export function _dropIdleCarriers(): void {
  for (const c of idleOwn.splice(0)) {
    c.alive = false;
    void c.worker.terminate();
  }
}

function leastBusy(carriers: Iterable<Carrier>): Carrier | undefined {
  let best: Carrier | undefined;
  for (const c of carriers) if (!best || c.running.size < best.running.size) best = c;
  return best;
}

/**
 * A carrier for a new thread of the given mode. A virtual thread goes to the least busy
 * isolate that has booted. If that one is busy, another isolate is started (up to one per
 * CPU, one boot at a time), which takes threads once it has booted: a thread waits for a
 * boot only when no isolate has booted yet.
 */
export function carrierFor(mode: CarrierMode): Carrier {
  if (mode === 'own') return idleOwn.pop() ?? new Carrier('own');
  const best = leastBusy(virtualCarriers.filter((c) => c.ready));
  if (
    (!best || best.running.size > 0) &&
    virtualCarriers.length < maxVirtual &&
    virtualCarriers.every((c) => c.ready)
  ) {
    const booting = new Carrier('virtual');
    virtualCarriers.push(booting);
    if (!best) return booting;
  }
  return best ?? leastBusy(virtualCarriers)!;
}

export type { Carrier };
