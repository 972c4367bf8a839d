/**
 * The contract every seed example follows, so that `weft demo` can run it and a test can
 * check it. An example is a normal program: run it directly (`node dist/examples/s51_gather.js`
 * or `npx tsx examples/s51_gather.ts`) and it prints what the Python original printed.
 */

import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

/** Where an example writes its output: the console when run alone, a capture in tests. */
export interface SeedOutput {
  log(...parts: unknown[]): void;
}

export interface SeedOptions {
  /** A shorter variant (smaller counts and sleeps) for the guided demo and the tests. */
  quick: boolean;
}

export interface Seed {
  /** The seed id from SEEDS.md, such as `S51`. */
  id: string;
  /** The program in a few words. */
  title: string;
  /** What the Python original shows, from SEEDS.md. */
  python: string;
  /** Runs the program; returns one line saying what weft showed this time. */
  run(out: SeedOutput, options: SeedOptions): Promise<string>;
}

/** Types an example's definition. */
export function defineSeed(seed: Seed): Seed {
  return seed;
}

/**
 * Whether the module `meta` belongs to is the program's entry point, on the main thread
 * (Python's `if __name__ == '__main__'`), whether it runs compiled or from TypeScript source.
 */
export function isMain(meta: ImportMeta): boolean {
  const entry = process.argv[1];
  if (!isMainThread || !entry) return false;
  const entryUrl = pathToFileURL(entry).href;
  return (
    entryUrl === meta.url || entryUrl.replace(/\.ts$/, '.js') === meta.url.replace(/\.ts$/, '.js')
  );
}

/**
 * Runs `seed` when its file is the program's entry point (see {@link isMain}): not when the
 * demo or a test imports it, and not in a worker thread or child process that re-imports the
 * module to find a task in it.
 */
export function runIfMain(meta: ImportMeta, seed: Seed): void {
  if (!isMain(meta)) return;
  const quick = process.argv.includes('--quick');
  seed
    .run(console, { quick })
    .then((summary) => console.log(`\n${seed.id}: ${summary}`))
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    });
}

/** Captures an example's output, for tests. */
export class CapturedOutput implements SeedOutput {
  readonly lines: string[] = [];
  log(...parts: unknown[]): void {
    this.lines.push(parts.map((p) => (typeof p === 'string' ? p : String(p))).join(' '));
  }
  get text(): string {
    return this.lines.join('\n');
  }
}
