/**
 * Runs one implementation of one case in this (fresh) process and sends the measured values
 * to the parent over IPC: `node dist/bench/child.js <suite-file> <case> <impl> <rounds> <quick>`.
 */
import { pathToFileURL } from 'node:url';
import type { BenchContext, Impl, StatefulImpl, Suite } from './harness.js';

async function main(): Promise<void> {
  const [suiteFile, caseId, implName, roundsArg, quickArg] = process.argv.slice(2);
  const suite = (await import(pathToFileURL(suiteFile!).href)).default as Suite;
  const benchCase = suite.cases.find((c) => c.id === caseId);
  if (!benchCase) throw new Error(`no case ${caseId} in suite ${suite.name}`);
  const impl = benchCase.impls[implName!] as Impl;
  if (!impl || 'python' in impl) throw new Error(`no JavaScript implementation ${implName}`);
  const rounds = Number(roundsArg);
  const quick = quickArg === '1';
  const stateful: StatefulImpl<unknown> =
    typeof impl === 'function' ? { setup: () => undefined, run: (_s, ctx) => impl(ctx) } : impl;
  const ctx = (round: number): BenchContext => ({ quick, round });
  const state = await stateful.setup(ctx(-1));
  const values: number[] = [];
  try {
    if (!quick || benchCase.quickWarmup !== false) await stateful.run(state, ctx(-1)); // warm-up, not reported
    for (let r = 0; r < rounds; r++) values.push(await stateful.run(state, ctx(r)));
  } finally {
    await stateful.teardown?.(state);
  }
  process.send!({ values }, () => process.exit(0));
}

main().catch((err) => {
  process.send!({ error: String(err?.stack ?? err) }, () => process.exit(1));
});
