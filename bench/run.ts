/**
 * `npm run bench [-- options]`: runs every suite under `bench/suites/` side by side against
 * the anchors, each implementation in a fresh process of its own, several rounds, and reports
 * medians with min–max as a markdown table. Writes `bench/results/latest.json` (the shared
 * schema), `bench/results/latest-details.json` (rounds, min, max, ratios) and
 * `bench/results/latest.md` (the table).
 *
 * Options:
 *   --quick            one round (and smaller workloads where a case says so), in under 2 minutes
 *   --suite a,b        only these suites
 *   --case x,y         only these case ids
 *   --impl weft,...    only these implementations
 *   --rounds N         rounds per implementation (overrides the case's default)
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchCase, higherIsBetter, median, type PythonImpl, type Suite } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

interface Args {
  quick: boolean;
  suites?: string[];
  cases?: string[];
  impls?: string[];
  rounds?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--suite') args.suites = next().split(',');
    else if (a === '--case') args.cases = next().split(',');
    else if (a === '--impl') args.impls = next().split(',');
    else if (a === '--rounds') args.rounds = Number(next());
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

interface Measured {
  values?: number[];
  error?: string;
}

function python3(): string | undefined {
  for (const cmd of ['python3', 'python']) {
    try {
      execFileSync(cmd, ['--version'], { stdio: 'ignore' });
      return cmd;
    } catch {}
  }
  return undefined;
}

function runPython(
  impl: PythonImpl,
  rounds: number,
  quick: boolean,
  limitMs: number,
): Promise<Measured> {
  const py = python3();
  if (!py) return Promise.resolve({ error: 'python3 not found' });
  const script = join(repoRoot, 'bench', 'python', impl.python);
  const argv = [
    script,
    '--rounds',
    String(rounds),
    ...(quick ? ['--quick'] : []),
    ...(impl.args ?? []),
  ];
  return new Promise((resolvePromise) => {
    const child = spawn(py, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(line) as Measured);
      } catch {
        resolvePromise({ error: `python exited ${code}: ${out.slice(-400)}` });
      }
    });
  });
}

function runNode(
  suiteFile: string,
  caseId: string,
  impl: string,
  rounds: number,
  quick: boolean,
  limitMs: number,
): Promise<Measured> {
  return new Promise((resolvePromise) => {
    // A process group of its own: a child that times out is killed with whatever it started
    // (servers, workers), and nothing outlives the run.
    const child = fork(
      join(here, 'child.js'),
      [suiteFile, caseId, impl, String(rounds), quick ? '1' : '0'],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        detached: true,
      },
    );
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    };
    const forward = (signal: NodeJS.Signals): void => {
      killGroup(signal);
      process.exit(130);
    };
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    let result: Measured = { error: 'no result' };
    child.on('message', (m) => (result = m as Measured));
    const timer = setTimeout(() => {
      result = { error: `timed out after ${limitMs} ms` };
      killGroup('SIGKILL');
    }, limitMs);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      clearTimeout(timer);
      // Whatever the child left running in its group goes with it.
      killGroup('SIGKILL');
      if (!result.values && result.error === 'no result')
        result = {
          error:
            code === 0
              ? 'exited with 0 before its measurement settled (a promise that never settles, nothing left to run)'
              : `exited with ${code ?? signal}`,
        };
      resolvePromise(result);
    });
  });
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

interface Row {
  suite: string;
  benchCase: BenchCase;
  medians: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
  rounds: Record<string, number[]>;
  errors: Record<string, string>;
}

function ratioOf(row: Row): { ratio: number; against: string } | undefined {
  const weft = row.medians.weft;
  if (weft === undefined) return undefined;
  const hib = higherIsBetter(row.benchCase.unit);
  let best: [string, number] | undefined;
  for (const [name, v] of Object.entries(row.medians)) {
    if (name === 'weft' || name.startsWith('baseline-')) continue;
    if (!best || (hib ? v > best[1] : v < best[1])) best = [name, v];
  }
  if (!best) {
    for (const [name, v] of Object.entries(row.medians)) {
      if (name === 'weft') continue;
      if (!best || (hib ? v > best[1] : v < best[1])) best = [name, v];
    }
  }
  if (!best) return undefined;
  return { ratio: hib ? weft / best[1] : best[1] / weft, against: best[0] };
}

function table(rows: Row[]): string {
  const out: string[] = [];
  const bySuite = new Map<string, Row[]>();
  for (const r of rows) bySuite.set(r.suite, [...(bySuite.get(r.suite) ?? []), r]);
  for (const [suite, list] of bySuite) {
    const names = ['weft'];
    for (const r of list)
      for (const n of Object.keys(r.benchCase.impls)) if (!names.includes(n)) names.push(n);
    out.push(`\n### ${suite}\n`);
    out.push(`| case | unit | ${names.join(' | ')} | weft vs best | goal |`);
    out.push(`|${' --- |'.repeat(names.length + 4)}`);
    for (const r of list) {
      const cells = names.map((n) => {
        if (r.errors[n]) return `error`;
        const m = r.medians[n];
        if (m === undefined) return '';
        const range = r.rounds[n]!.length > 1 ? ` (${fmt(r.min[n]!)}–${fmt(r.max[n]!)})` : '';
        return `${fmt(m)}${range}`;
      });
      const ratio = ratioOf(r);
      const ratioCell = ratio ? `${ratio.ratio.toFixed(2)}× ${ratio.against}` : '—';
      out.push(
        `| ${r.benchCase.id} | ${r.benchCase.unit} | ${cells.join(' | ')} | ${ratioCell} | ${r.benchCase.goal ?? ''} |`,
      );
    }
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const suitesDir = join(here, 'suites');
  const files = readdirSync(suitesDir)
    .filter((f) => f.endsWith('.js'))
    .sort();
  const rows: Row[] = [];
  const started = Date.now();
  for (const file of files) {
    const suiteFile = join(suitesDir, file);
    const suite = (await import(pathToFileURL(suiteFile).href)).default as Suite;
    if (args.suites && !args.suites.includes(suite.name)) continue;
    for (const benchCase of suite.cases) {
      if (args.cases && !args.cases.includes(benchCase.id)) continue;
      const rounds =
        args.rounds ?? (args.quick ? (benchCase.quickRounds ?? 1) : (benchCase.rounds ?? 5));
      const limitMs = args.quick ? 120_000 : 600_000;
      const row: Row = {
        suite: suite.name,
        benchCase,
        medians: {},
        min: {},
        max: {},
        rounds: {},
        errors: {},
      };
      for (const [name, impl] of Object.entries(benchCase.impls)) {
        if (args.impls && !args.impls.includes(name)) continue;
        process.stderr.write(`${suite.name}/${benchCase.id} ${name} ... `);
        const t0 = Date.now();
        const measured =
          typeof impl === 'object' && 'python' in impl
            ? await runPython(impl, rounds, args.quick, limitMs)
            : await runNode(suiteFile, benchCase.id, name, rounds, args.quick, limitMs);
        if (measured.values?.length) {
          row.rounds[name] = measured.values;
          row.medians[name] = median(measured.values);
          row.min[name] = Math.min(...measured.values);
          row.max[name] = Math.max(...measured.values);
          process.stderr.write(
            `${fmt(row.medians[name]!)} ${benchCase.unit} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
          );
        } else {
          row.errors[name] = measured.error ?? 'no values';
          process.stderr.write(`failed: ${row.errors[name]!.split('\n')[0]}\n`);
        }
      }
      rows.push(row);
    }
  }
  const md = table(rows);
  console.log(md);
  for (const r of rows)
    for (const [n, e] of Object.entries(r.errors))
      console.log(`\n${r.suite}/${r.benchCase.id} ${n}: ${e}`);
  const header = {
    node: process.version,
    cpus: availableParallelism(),
    date: new Date().toISOString(),
  };
  const resultsDir = join(repoRoot, 'bench', 'results');
  if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
  const results = rows.map((r) => ({
    suite: r.suite,
    case: r.benchCase.id,
    unit: r.benchCase.unit,
    higherIsBetter: higherIsBetter(r.benchCase.unit),
    values: r.medians,
  }));
  writeFileSync(
    join(resultsDir, 'latest.json'),
    `${JSON.stringify({ ...header, results }, null, 2)}\n`,
  );
  const details = rows.map((r) => ({
    suite: r.suite,
    case: r.benchCase.id,
    unit: r.benchCase.unit,
    goal: r.benchCase.goal,
    median: r.medians,
    min: r.min,
    max: r.max,
    rounds: r.rounds,
    errors: r.errors,
    ratio: ratioOf(r),
  }));
  writeFileSync(
    join(resultsDir, 'latest-details.json'),
    `${JSON.stringify({ ...header, quick: args.quick, seconds: (Date.now() - started) / 1000, results: details }, null, 2)}\n`,
  );
  writeFileSync(
    join(resultsDir, 'latest.md'),
    `# weft bench (${header.date}, node ${header.node}, ${header.cpus} cpus${args.quick ? ', quick' : ''})\n${md}\n`,
  );
  console.log(
    `\nwrote bench/results/latest.json in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
