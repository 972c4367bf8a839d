#!/usr/bin/env node
// Runs weft's test suite with Node's own test runner, under a global watchdog.
//
//   npm test                      every test under dist/test (built by `pretest`)
//   npm test -- dist/test/asyncio one folder or file
//   WEFT_TEST_WATCHDOG_MS=600000  the whole run's deadline (default 15 minutes)
//
// Each test file also has a per-test timeout (--test-timeout) so a deadlock in one test
// fails that test quickly; the watchdog is the last line of defence for the run as a whole.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);

/** Test files: `*.test.js` below the given paths (fixtures and helpers are not tests). */
function testFiles(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true })
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => join(path, f));
}
const files = args.filter((a) => !a.startsWith('--')).flatMap(testFiles);
const flags = args.filter((a) => a.startsWith('--'));
const watchdogMs = Number(process.env.WEFT_TEST_WATCHDOG_MS ?? 15 * 60_000);
const perTestMs = Number(process.env.WEFT_TEST_TIMEOUT_MS ?? 120_000);

const child = spawn(
  process.execPath,
  [
    '--test',
    `--test-timeout=${perTestMs}`,
    `--test-concurrency=${Math.max(2, availableParallelism())}`,
    ...flags,
    ...(files.length ? files : testFiles('dist/test')),
  ],
  { stdio: 'inherit', detached: process.platform !== 'win32' },
);

const watchdog = setTimeout(() => {
  console.error(`\nweft test watchdog: the run exceeded ${watchdogMs} ms; killing it.`);
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
  process.exit(124);
}, watchdogMs);
watchdog.unref();

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    try {
      process.kill(-child.pid, sig);
    } catch {}
  });
}

child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exit(code ?? (signal ? 1 : 0));
});
