/** Helpers for tests that start processes: which of this process's children still run. */
import { readdirSync, readFileSync } from 'node:fs';

function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** True if `pid` is a live process (a zombie, dead but not reaped, counts as gone). */
export function running(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** The live (not zombie) children of this process. */
export function liveChildren(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s && s.ppid === process.pid && s.state !== 'Z') out.push(pid);
  }
  return out;
}

/** Waits up to `ms` for `done()` to hold, polling. */
export async function until(done: () => boolean, ms: number): Promise<boolean> {
  const t0 = performance.now();
  while (!done()) {
    if (performance.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
