/** Finding a CPython to check the handshake against, and running scripts on it. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Python {
  cmd: string;
  version: [number, number];
}

function probe(cmd: string): Python | undefined {
  try {
    const out = execFileSync(cmd, ['-c', 'import sys; print(*sys.version_info[:2])'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    const [major, minor] = out.trim().split(' ').map(Number);
    return major === 3 ? { cmd, version: [major, minor!] } : undefined;
  } catch {
    return undefined;
  }
}

function pyenvPythons(): string[] {
  let root: string;
  try {
    root = execFileSync('pyenv', ['root'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return [];
  }
  const versions = join(root, 'versions');
  if (!existsSync(versions)) return [];
  return readdirSync(versions)
    .sort()
    .reverse()
    .map((v) => join(versions, v, 'bin', 'python3'))
    .filter((p) => existsSync(p));
}

let found: Python[] | undefined;

/** Every CPython 3 found: `$WEFT_PYTHON`, `python3.N`, `python3`, and pyenv's versions. */
function pythons(): Python[] {
  found ??= [
    process.env.WEFT_PYTHON,
    'python3.14',
    'python3.13',
    'python3.12',
    'python3',
    'python',
    ...pyenvPythons(),
  ]
    .filter((c): c is string => !!c)
    .map(probe)
    .filter((p): p is Python => p !== undefined);
  return found;
}

/** A CPython whose minor version is within `[min, max]`, if one is installed. */
export function findPython(min: number, max = 99): Python | undefined {
  return pythons().find((p) => p.version[1] >= min && p.version[1] <= max);
}

/** A running Python script: its stdout lines, one at a time, and its exit. */
export class PythonScript {
  readonly child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiting: ((line: string | undefined) => void)[] = [];
  #ended = false;
  stderr = '';

  constructor(python: Python, code: string, args: string[] = []) {
    this.child = spawn(python.cmd, ['-c', code, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    const rl = createInterface({ input: this.child.stdout! });
    rl.on('line', (line) => {
      const w = this.#waiting.shift();
      if (w) w(line);
      else this.#lines.push(line);
    });
    rl.on('close', () => {
      this.#ended = true;
      for (const w of this.#waiting.splice(0)) w(undefined);
    });
  }

  /** The next line the script prints (`undefined` once it has exited). */
  line(): Promise<string | undefined> {
    if (this.#lines.length) return Promise.resolve(this.#lines.shift());
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
