/**
 * Helpers the examples share.
 *
 * Python's threads `print()` to the one `sys.stdout` of the process. A weft thread runs in
 * another V8 isolate: its `console.log` works too, but reaches the terminal through that
 * isolate's stdout pipe, asynchronously, and a test cannot capture it. So the examples print
 * through a {@link ThreadLog}: a line log in shared memory that every thread appends to with
 * {@link print} and the main thread forwards, in the order the lines were printed, to the
 * example's output (the console, the demo, or a test's capture).
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Process, type ProcessOptions, type SimpleQueue } from 'weft/multiprocessing';
import { Thread, type ThreadOptions } from 'weft/threading';
import type { SeedOutput } from './_seed.js';

/** What threads receive to print through: the log's shared memory. */
export type LogBuffer = SharedArrayBuffer;

/**
 * Layout (Int32 words): END (word 0) is where the next record goes, claimed with
 * `Atomics.add`; COMMITS (word 1) counts finished records, bumped and notified after each.
 * Records start at word 2: a marker word (UTF-8 length + 1, stored last with `Atomics.store`;
 * 0 while the writer is still copying), then the bytes, padded to a whole word.
 */
const END = 0;
const COMMITS = 1;
const FIRST = 2;

function text(parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : String(p))).join(' ');
}

/** Prints one line to the log `log`, from any thread (it never blocks). */
export function print(log: LogBuffer, ...parts: unknown[]): void {
  const w = new Int32Array(log);
  const bytes = Buffer.from(text(parts), 'utf8');
  const words = 1 + Math.ceil(bytes.length / 4);
  const at = Atomics.add(w, END, words);
  if (at + words > w.length) throw new RangeError('the example log is full');
  new Uint8Array(log).set(bytes, (at + 1) * 4);
  Atomics.store(w, at, bytes.length + 1);
  Atomics.add(w, COMMITS, 1);
  Atomics.notify(w, COMMITS);
}

/**
 * The main thread's side of a line log: pass {@link buffer} to threads, print with
 * {@link print}, and close it (`await using`) once the threads are joined.
 */
export class ThreadLog implements AsyncDisposable {
  readonly buffer: LogBuffer;
  readonly #w: Int32Array;
  readonly #out: SeedOutput;
  #read = FIRST;
  #closed = false;
  readonly #following: Promise<void>;

  constructor(out: SeedOutput, bytes = 1 << 20) {
    this.buffer = new SharedArrayBuffer(bytes);
    this.#w = new Int32Array(this.buffer);
    this.#w[END] = FIRST;
    this.#out = out;
    this.#following = this.#follow();
  }

  /** Prints a line from the main thread, in order with the threads' lines. */
  print(...parts: unknown[]): void {
    print(this.buffer, ...parts);
    this.#forward();
  }

  /** Forwards every finished line not yet forwarded. */
  #forward(): void {
    const w = this.#w;
    while (this.#read < Atomics.load(w, END)) {
      const marker = Atomics.load(w, this.#read);
      if (marker === 0) return; // still being written: its commit will wake us
      const start = (this.#read + 1) * 4;
      this.#out.log(Buffer.from(new Uint8Array(this.buffer, start, marker - 1)).toString('utf8'));
      this.#read += 1 + Math.ceil((marker - 1) / 4);
    }
  }

  /** Forwards lines as threads print them, until closed. */
  async #follow(): Promise<void> {
    while (!this.#closed) {
      const seen = Atomics.load(this.#w, COMMITS);
      this.#forward();
      const wait = Atomics.waitAsync(this.#w, COMMITS, seen, 1000);
      if (wait.async) await wait.value;
    }
  }

  /** Forwards what is left and stops following. */
  async close(): Promise<void> {
    this.#closed = true;
    Atomics.notify(this.#w, COMMITS);
    await this.#following;
    this.#forward();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Python's `time.sleep` in a thread that has an isolate of its own: blocks the calling
 * thread for `ms` milliseconds. (In async threads, `await sleep(ms)` from `weft/asyncio`.)
 */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Seconds since `start` (a `performance.now()` time). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * Runs one async `target(...args)` as a virtual thread and waits for it: in a fresh process
 * that boots weft's first virtual-thread isolate and has it import the example's module.
 * Returns the seconds it took. A program pays this once; Python's timings likewise start
 * after the interpreter has started and imported its modules.
 */
export async function bootVirtualIsolate<A extends unknown[]>(
  target: (...args: A) => Promise<unknown>,
  args: A,
): Promise<number> {
  const start = performance.now();
  await runThreads(1, target, args);
  return secondsSince(start);
}

/** Starts every thread or process, in order (Python's start loop); returns them. */
export function startAll<T extends { start(): void }>(threads: T[]): T[] {
  for (const t of threads) t.start();
  return threads;
}

/** Starts `n` threads running `target(...args)`; returns them. */
export function startThreads<A extends unknown[]>(
  n: number,
  target: (...args: A) => unknown,
  args: A,
): Thread<A>[] {
  return startAll(
    Array.from({ length: n }, () => new Thread<A>({ target, args } as ThreadOptions<A>)),
  );
}

/** Joins every thread or process, in order (Python's `for t in t_list: t.join()`). */
export async function joinAll(threads: readonly { join(): Promise<unknown> }[]): Promise<void> {
  for (const t of threads) await t.join();
}

/** Starts `n` threads running `target(...args)` and joins them all. */
export async function runThreads<A extends unknown[]>(
  n: number,
  target: (...args: A) => unknown,
  args: A,
): Promise<void> {
  await joinAll(startThreads(n, target, args));
}

/**
 * Starts `n` processes running `target(...args)`, then joins them all (Python's two loops);
 * returns them. Each child is a new Node.js process that imports `target`'s module.
 */
export async function runProcesses<A extends unknown[]>(
  n: number,
  target: (...args: A) => unknown,
  args: A,
): Promise<Process<A>[]> {
  const processes = startAll(
    Array.from({ length: n }, () => new Process<A>({ target, args } as ProcessOptions<A>)),
  );
  await joinAll(processes);
  return processes;
}

/**
 * What child processes print through. A child process writes its `console.log` straight to
 * the stdout it inherited, where neither the demo's indentation nor a test's capture sees it;
 * so the examples' children `put` their lines on a process queue, and `null` when they are
 * done, and the parent prints them with {@link printChildLines}.
 */
export type ChildLines = SimpleQueue<string | null>;

/**
 * Prints the lines children put on `lines`, as they arrive, until `children` of them have put
 * their `null`; returns the lines. A child silent for a minute is taken to have failed (the
 * queue's `Empty` is thrown).
 */
export async function printChildLines(
  lines: ChildLines,
  out: SeedOutput,
  children = 1,
): Promise<string[]> {
  const printed: string[] = [];
  for (let ended = 0; ended < children; ) {
    const line = await lines.get({ timeout: 60_000 });
    if (line === null) ended++;
    else {
      out.log(line);
      printed.push(line);
    }
  }
  return printed;
}

/**
 * Starts the example script `name` (such as `s70_manager_server`) as a program of its own with
 * `args`: the compiled script beside the calling example, or its TypeScript source under tsx
 * when the caller (`meta`, its `import.meta`) runs from source.
 */
export function spawnExample(
  meta: ImportMeta,
  name: string,
  args: string[],
  options: SpawnOptions,
): ChildProcess {
  const fromSource = meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, meta.url));
  const loader = fromSource ? ['--import', 'tsx'] : [];
  return spawn(process.execPath, [...loader, script, ...args], options);
}

/**
 * Whether process `pid` still runs. A zombie (ended, not yet reaped by its parent) counts as
 * gone: it runs nothing and holds nothing but its entry in the process table.
 */
export function isRunning(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat[stat.lastIndexOf(')') + 2] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
