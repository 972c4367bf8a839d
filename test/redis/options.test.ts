/** What weft/redis refuses, and how it says so: options, task functions, the command line. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ArgumentTypeError, BrokenExecutorError, ValueError } from 'weft/errors';
import { RedisExecutor, serve } from 'weft/redis';
import { parseWorkerArgs } from '../../src/cli/worker.js';
import { describeConnection, toRedisOptions } from '../../src/redis/connection.js';
import * as tasks from '../fixtures/pool_tasks.js';
import { fixture } from './_harness.js';

const T = { timeout: 30_000 };
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A top-level function this module does not export. */
function hidden(x: number): number {
  return x;
}

describe('weft/redis options and errors', () => {
  it(
    'without bullmq and ioredis the root module loads, and weft/redis says what to install',
    T,
    async () => {
      const run = promisify(execFile);
      const hide = ['--import', fixture('no_bullmq')];
      const script = `
      const weft = await import('weft');
      console.log('root', typeof weft.futures.ThreadPoolExecutor);
      try { await import('weft/redis'); } catch (err) { console.log(err.name + ': ' + err.message); }`;
      const { stdout } = await run(process.execPath, [
        ...hide,
        '--input-type=module',
        '-e',
        script,
      ]);
      assert.match(stdout, /^root function\n/);
      assert.match(
        stdout,
        /RuntimeError: weft\/redis runs tasks through BullMQ on Redis and needs the packages bullmq and ioredis, which are not installed here: npm install bullmq ioredis/,
      );
      const worker = await run(process.execPath, [
        ...hide,
        cli,
        'worker',
        '--tasks',
        fixture('pool_tasks'),
      ]).catch((e) => e);
      assert.equal(worker.code, 1);
      assert.match(worker.stderr, /npm install bullmq ioredis/);
    },
  );

  it('RedisExecutor options are checked, naming the option', T, () => {
    const bad: [object, RegExp, Function][] = [
      [{ queu: 'x' }, /unknown option 'queu' \(did you mean 'queue'\?\)/, ArgumentTypeError],
      [{ attempts: 0 }, /attempts must be >= 1, got 0/, ValueError],
      [{ attempts: 1.5 }, /attempts must be an integer/, ValueError],
      [{ backoff: -1 }, /backoff must be >= 0/, ValueError],
      [
        { backoff: { type: 'linear', delay: 5 } },
        /backoff.type must be 'fixed' or 'exponential'/,
        ValueError,
      ],
      [{ backoff: { type: 'fixed', dealy: 5 } }, /did you mean 'delay'/, ArgumentTypeError],
      [{ connection: 5 }, /connection must be a Redis URL/, ArgumentTypeError],
      [
        { connection: 'http://localhost' },
        /connection must be a URL with the scheme redis: or rediss:/,
        ValueError,
      ],
      [{ connection: 'redis://h:6379/zero' }, /a URL whose path is a database number/, ValueError],
      [{ connection: 'not a url' }, /connection must be a Redis URL/, ValueError],
      [{ queue: 'a:b' }, /queue must be a non-empty name without ':'/, ValueError],
      [{ queue: '' }, /queue must be a non-empty name/, ValueError],
      [{ prefix: 3 }, /prefix must be a string/, ArgumentTypeError],
      [{ maxBatch: 0 }, /maxBatch must be >= 1/, ValueError],
      [
        { removeOnComplete: {} },
        /removeOnComplete must be true, false, a count or \{ age, count \}/,
        ArgumentTypeError,
      ],
      [{ removeOnFail: { age: -1 } }, /removeOnFail.age must be >= 0/, ValueError],
      [{ pollInterval: 1 }, /pollInterval must be >= 10/, ValueError],
      [{ connectionTimeout: 0 }, /connectionTimeout must be >= 1/, ValueError],
    ];
    for (const [options, message, cls] of bad)
      assert.throws(
        () => new RedisExecutor(options as never),
        (e: unknown) => e instanceof (cls as never) && message.test((e as Error).message),
        JSON.stringify(options),
      );
  });

  it('connection URLs become ioredis options; logs never show the password', T, () => {
    assert.deepEqual(toRedisOptions('rediss://me:p%40ss@[::1]:6380/3'), {
      host: '::1',
      port: 6380,
      username: 'me',
      password: 'p@ss',
      db: 3,
      tls: {},
    });
    assert.deepEqual(toRedisOptions(undefined), { host: '127.0.0.1', port: 6379 });
    assert.equal(
      describeConnection(toRedisOptions('redis://:secret@cache:7000/2')),
      'redis://cache:7000/2',
    );
  });

  it('a task must be an exported module function: what is not is named', T, async () => {
    await using ex = new RedisExecutor({ connection: 'redis://127.0.0.1:1' });
    const inner = (x: number) => x;
    assert.throws(
      () => ex.submit(inner, 1),
      /fn \(inner\) is not a function at the top level of a module.*export the function from a module/,
    );
    const err = await ex.submit(hidden, 1).exception();
    assert.ok(err instanceof ArgumentTypeError, String(err));
    assert.match(
      String((err as Error).message),
      /fn \(hidden\) is not exported from file:.*options\.test\.js.*export it/,
    );
    assert.throws(
      () => ex.submit(tasks.identity, [new WeakMap()] as never),
      /args\[0\]\[0\] of identity\(\) cannot cross to the other side: it is object WeakMap/,
    );
  });

  it(
    'an unreachable Redis fails the tasks after connectionTimeout, and shutdown settles',
    T,
    async () => {
      const ex = new RedisExecutor({ connection: 'redis://127.0.0.1:1', connectionTimeout: 300 });
      const t0 = performance.now();
      const err = await ex.submit(tasks.add, 1, 2).exception();
      assert.ok(err instanceof BrokenExecutorError, String(err));
      assert.match(
        String((err as Error).message),
        /could not connect to Redis at redis:\/\/127\.0\.0\.1:1 within 300 ms/,
      );
      assert.ok(performance.now() - t0 < 10_000);
      await ex.shutdown();
    },
  );

  it('serve() checks its options and its task modules before connecting', T, async () => {
    await assert.rejects(serve({} as never), /tasks must be a module path or URL/);
    await assert.rejects(
      serve({ tasks: fixture('pool_tasks'), concurency: 2 } as never),
      /did you mean 'concurrency'/,
    );
    await assert.rejects(
      serve({ tasks: fixture('pool_tasks'), concurrency: 0 }),
      /concurrency must be >= 1/,
    );
    await assert.rejects(
      serve({ tasks: './no/such/tasks.js' }),
      (e: unknown) =>
        e instanceof ArgumentTypeError &&
        /cannot import the tasks module \.\/no\/such\/tasks\.js/.test((e as Error).message),
    );
  });

  it('weft worker: arguments, usage and exit codes', T, async () => {
    assert.deepEqual(
      parseWorkerArgs([
        '--tasks',
        'a.js',
        '--tasks=b.js',
        '--concurrency',
        '8',
        '--queue=q',
        '--quiet',
      ]),
      {
        options: {
          tasks: ['a.js', 'b.js'],
          concurrency: 8,
          queue: 'q',
          connection: process.env.WEFT_REDIS_URL || undefined,
        },
        quiet: true,
      },
    );
    assert.throws(() => parseWorkerArgs([]), /--tasks MODULE is required/);
    assert.throws(
      () => parseWorkerArgs(['--tasks', 'a.js', '--threads', 'many']),
      /--threads must be a number, got 'many'/,
    );
    assert.throws(
      () => parseWorkerArgs(['--tasks', 'a.js', '--colour']),
      /unknown option '--colour'/,
    );
    assert.throws(() => parseWorkerArgs(['--tasks']), /--tasks needs a value/);

    const run = promisify(execFile);
    const help = await run(process.execPath, [cli, 'worker', '--help']);
    assert.match(help.stdout, /usage: weft worker --tasks MODULE/);
    const usage = await run(process.execPath, [cli, 'worker']).catch((e) => e);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /weft worker: --tasks MODULE is required/);
    const missing = await run(process.execPath, [cli, 'worker', '--tasks', 'no-such.js']).catch(
      (e) => e,
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot import the tasks module no-such\.js/);
    const top = await run(process.execPath, [cli, 'help']);
    assert.match(top.stdout, /worker --tasks MODULE/);
  });
});
