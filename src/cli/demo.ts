/**
 * `weft demo [S51 ...] [--full] [--list]`: the guided tour of the seed programs. Each seed
 * example runs in turn; its output is shown indented, then what Python showed beside what
 * weft showed just now. `--full` runs the full-size programs instead of the quick variants.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface SeedModule {
  id: string;
  title: string;
  python: string;
  run(out: { log(...parts: unknown[]): void }, options: { quick: boolean }): Promise<string>;
}

const examplesDir = new URL('../../examples/', import.meta.url);

function isSeed(value: unknown): value is SeedModule {
  const v = value as SeedModule | undefined;
  return !!v && typeof v.id === 'string' && typeof v.run === 'function';
}

function seedOrder(id: string): number {
  return Number(id.replace(/^S/i, ''));
}

/** Loads every seed example shipped with weft, in seed-id order. */
export async function loadSeeds(): Promise<SeedModule[]> {
  const files = readdirSync(fileURLToPath(examplesDir)).filter((f) => /^s\d+.*\.js$/.test(f));
  const seeds: SeedModule[] = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(fileURLToPath(new URL(file, examplesDir))).href);
    if (isSeed(mod.default)) seeds.push(mod.default);
  }
  return seeds.sort((a, b) => seedOrder(a.id) - seedOrder(b.id));
}

/** Runs the demo; resolves to the process exit code. */
export async function demo(argv: string[]): Promise<number> {
  const full = argv.includes('--full');
  const wanted = argv.filter((a) => !a.startsWith('--')).map((a) => a.toUpperCase());
  const seeds = await loadSeeds();
  if (argv.includes('--list')) {
    for (const s of seeds) console.log(`${s.id.padEnd(4)} ${s.title}`);
    return 0;
  }
  const unknown = wanted.filter((w) => !seeds.some((s) => s.id === w));
  if (unknown.length) {
    console.error(`weft demo: no seed ${unknown.join(', ')} (try: weft demo --list)`);
    return 2;
  }
  const chosen = wanted.length ? seeds.filter((s) => wanted.includes(s.id)) : seeds;
  const started = performance.now();
  let failed = 0;
  console.log(
    `weft demo: ${chosen.length} seed program${chosen.length === 1 ? '' : 's'}${full ? '' : ' (quick variants; --full for full size)'}\n`,
  );
  for (const seed of chosen) {
    console.log(`── ${seed.id} · ${seed.title}`);
    const out = {
      log: (...parts: unknown[]) =>
        console.log(
          parts
            .map((p) => (typeof p === 'string' ? p : String(p)))
            .join(' ')
            .replace(/^/gm, '   │ '),
        ),
    };
    const t0 = performance.now();
    try {
      const summary = await seed.run(out, { quick: !full });
      const took = ((performance.now() - t0) / 1000).toFixed(2);
      console.log(`   Python showed: ${seed.python}`);
      console.log(`   weft shows:    ${summary} [${took} s]\n`);
    } catch (err) {
      failed++;
      console.log(`   FAILED: ${(err as Error)?.stack ?? err}\n`);
    }
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${chosen.length - failed}/${chosen.length} seed programs ran in ${secs} s`);
  return failed ? 1 : 0;
}
