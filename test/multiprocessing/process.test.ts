import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RuntimeError, ValueError } from 'weft/errors';
import {
  activeChildren,
  cpuCount,
  currentProcess,
  isChild,
  Process,
  parentProcess,
} from 'weft/multiprocessing';
import * as tasks from '../fixtures/process_tasks.js';
import { running } from '../helpers.js';

const T = { timeout: 30_000 };
const tmp = await mkdtemp(join(tmpdir(), 'weft-proc-'));
let n = 0;
const file = (): string => join(tmp, `${n++}.json`);

describe('Process', () => {
  it('runs its target in a child with args; name, pid, exitcode (S30)', T, async () => {
    const out = file();
    const p = new Process({
      target: tasks.describeSelf,
      args: [out, { a: [1, 'x'] }],
      name: 'Worker',
    });
    assert.equal(p.pid, undefined);
    assert.equal(p.exitcode, null);
    p.start();
    assert.ok(p.pid! > 0);
    assert.equal(p.isAlive(), true);
    assert.ok(activeChildren().includes(p));
    assert.equal(await p.join(), true);
    assert.equal(p.exitcode, 0);
    assert.equal(p.isAlive(), false);
    const seen = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(seen.pid, p.pid);
    assert.equal(seen.ppid, process.pid);
    assert.equal(seen.name, 'Worker');
    assert.equal(seen.parentPid, process.pid);
    assert.equal(seen.parentAlive, true);
    assert.deepEqual(seen.extra, { a: [1, 'x'] });
    assert.ok(!activeChildren().includes(p));
  });

  it('default names, currentProcess, parentProcess, cpuCount in the main process', () => {
    assert.match(new Process().name, /^Process-\d+$/);
    class MyProcess extends Process {}
    assert.match(new MyProcess().name, /^MyProcess-\d+$/, "a subclass's class name, as Python's");
    assert.equal(currentProcess().name, 'MainProcess');
    assert.equal(currentProcess().pid, process.pid);
    assert.equal(parentProcess(), null);
    assert.equal(isChild(), false);
    assert.ok(cpuCount() >= 1);
  });

  it('subclass with run() and constructor args (S37)', T, async () => {
    const out = file();
    const r = new tasks.Recorder(out, [1, 2, 3]);
    r.start();
    await r.join();
    assert.equal(r.exitcode, 0);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), {
      payload: [1, 2, 3],
      name: 'Recorder',
    });
  });

  it(
    'an error in the child: exitcode 1 and a traceback on stderr; exit codes pass through',
    T,
    async () => {
      const p = new Process({ target: tasks.fail, args: ['child failed'] });
      p.start();
      await p.join();
      assert.equal(p.exitcode, 1);
      const q = new Process({ target: tasks.exitWith, args: [7] });
      q.start();
      await q.join();
      assert.equal(q.exitcode, 7);
    },
  );

  it(
    'terminate, kill, join(timeout), isAlive; negative exitcode for a signal (S33)',
    T,
    async () => {
      const p = new Process({ target: tasks.spinForever });
      p.start();
      assert.equal(await p.join({ timeout: 50 }), false);
      assert.equal(p.isAlive(), true);
      p.terminate();
      await p.join();
      assert.equal(p.exitcode, -15);
      const q = new Process({ target: tasks.idleForever });
      q.start();
      q.kill();
      await q.join();
      assert.equal(q.exitcode, -9);
    },
  );

  it(
    'Python errors: start twice, join before start, close while running, use after close',
    T,
    async () => {
      const p = new Process({ target: tasks.sleepMs, args: [100] });
      await assert.rejects(
        p.join(),
        (e: unknown) =>
          e instanceof RuntimeError && /can only join a started process/.test((e as Error).message),
      );
      p.start();
      assert.throws(() => p.start(), /cannot start a process twice/);
      assert.throws(
        () => p.close(),
        (e: unknown) => e instanceof ValueError && /still running/.test((e as Error).message),
      );
      await p.join();
      p.close();
      assert.throws(() => p.pid, /process object is closed/);
      await assert.rejects(currentProcess().join(), /can only join a child process/);
    },
  );

  it('bad options name the parameter; what cannot cross fails before spawning', () => {
    assert.throws(() => new Process({ target: 5 as never }), /target must be a function/);
    assert.throws(() => new Process({ tagret: tasks.fail } as never), /did you mean 'target'/);
    const local = 1;
    assert.throws(() => new Process({ target: () => local }).start(), /'local'/);
    const p = new Process({
      target: tasks.describeSelf,
      args: ['x', { s: Symbol('no') } as never],
    });
    assert.throws(() => p.start(), /args\[1\]\.s/);
    assert.equal(p.pid, undefined, 'nothing was spawned');
  });

  // The kernel's parent-death signal where setpriv exists, the watchdog thread otherwise
  // (forced here with WEFT_NO_PDEATHSIG).
  for (const [daemon, way] of [
    [true, 'kernel'],
    [false, 'kernel'],
    [false, 'watchdog'],
  ] as const) {
    it(
      `no ${daemon ? 'daemon' : 'non-daemon'} child outlives a parent killed with SIGKILL (S31, ${way})`,
      T,
      async () => {
        const script = fileURLToPath(new URL('../fixtures/spawn_and_hang.js', import.meta.url));
        const env = { ...process.env };
        if (way === 'watchdog') env.WEFT_NO_PDEATHSIG = '1';
        const parent = spawn(process.execPath, [script, String(daemon)], {
          stdio: ['ignore', 'pipe', 'inherit'],
          env,
        });
        const line = await new Promise<string>((resolve) =>
          parent.stdout!.once('data', (d) => resolve(String(d))),
        );
        const child = JSON.parse(line).child as number;
        assert.ok(running(child));
        parent.kill('SIGKILL');
        const t0 = performance.now();
        while (running(child) && performance.now() - t0 < 3000)
          await new Promise((r) => setTimeout(r, 20));
        assert.equal(running(child), false, 'the child died with its parent');
      },
    );
  }
});
