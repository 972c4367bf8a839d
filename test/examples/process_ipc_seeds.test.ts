import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapturedOutput } from '../../examples/_seed.js';
import s21 from '../../examples/s21_producer_consumer_processes.js';
import s23 from '../../examples/s23_queue_reader_terminated.js';
import s34 from '../../examples/s34_process_lock_print.js';
import s35 from '../../examples/s35_ticket_buying.js';
import s36 from '../../examples/s36_pipe.js';

const T = { timeout: 120_000 } as const;

describe('process IPC seed examples', () => {
  it('S21: producer and consumer processes; every item consumed once; all end', T, async () => {
    const out = new CapturedOutput();
    await s21.run(out, { quick: true });
    assert.equal(s21.id, 'S21');
    assert.match(out.text, /60 of 60 items consumed, each once: true/);
    assert.match(out.text, /processes still alive: 0/);
  });

  it('S23: the reader reads A B C, then is terminated', T, async () => {
    const out = new CapturedOutput();
    const summary = await s23.run(out, { quick: true });
    const gets = out.lines.filter((l) => l.startsWith('Get '));
    assert.deepEqual(gets, ['Get A from queue.', 'Get B from queue.', 'Get C from queue.']);
    assert.match(out.text, /reader exitcode: -15/);
    assert.match(summary, /A B C/);
  });

  it('S34: pairs printed under a process Lock never interleave', T, async () => {
    const out = new CapturedOutput();
    await s34.run(out, { quick: true });
    assert.equal(out.lines.at(-1), 'pairs never interleave: true');
  });

  it('S35: never oversold under the Lock; oversold without it', T, async () => {
    const out = new CapturedOutput();
    await s35.run(out, { quick: true });
    assert.equal(out.lines[0], 'with the Lock: 3 tickets sold of 3, 0 left');
    assert.match(out.lines[1]!, /oversold: true/);
  });

  it('S36: the parent receives [ 42, null, "hello" ]', T, async () => {
    const out = new CapturedOutput();
    await s36.run(out, { quick: true });
    assert.deepEqual(out.lines, ["[ 42, null, 'hello' ]"]);
  });
});
