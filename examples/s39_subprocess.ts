/**
 * S39: run a program and read its exit code with `call`; feed a program's stdin and collect
 * its output and exit code with `Popen(...).communicate(input)`.
 *
 * The Python original runs `nslookup`, which needs a network. This example runs a small
 * stand-in for it on this same Node (`process.execPath -e ...`), answering from a fixed table,
 * so it gives the same kind of output anywhere, offline.
 *
 * ```python
 * import subprocess
 *
 * print('$ nslookup www.python.org')
 * r = subprocess.call(['nslookup', 'www.python.org'])
 * print('Exit code:', r)
 *
 * print('$ nslookup')
 * p = subprocess.Popen(['nslookup'], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
 * output, err = p.communicate(b'set q=mx\npython.org\nexit\n')
 * print('Exit code:', p.returncode)
 * print('Output:', output.decode('utf-8'))
 * print('Error:', err.decode('utf-8'))
 * ```
 */
import { call, PIPE, Popen } from 'weft/subprocess';
import { defineSeed, runIfMain } from './_seed.js';

/**
 * The stand-in for `nslookup`: a name as argument is looked up at once; without one, it reads
 * commands from stdin (`set q=mx`, a name, `exit`), as nslookup's interactive mode does.
 */
const NSLOOKUP = String.raw`
const records = {
  'www.python.org': { a: 'www.python.org\tcanonical name = dualstack.python.map.fastly.net.\nName:\tdualstack.python.map.fastly.net\nAddress: 151.101.0.223' },
  'python.org': { a: 'Name:\tpython.org\nAddress: 151.101.0.223', mx: 'python.org\tmail exchanger = 50 mail.python.org.' },
};
let type = 'a';
const lookup = (name) => {
  console.log('Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\nNon-authoritative answer:');
  const answer = records[name]?.[type];
  console.log(answer ?? '*** No ' + type.toUpperCase() + ' records for ' + name);
};
const command = (line) => {
  if (line === 'exit') process.exit(0);
  if (line.startsWith('set q=')) type = line.slice(6).toLowerCase();
  else if (line) lookup(line);
};
if (process.argv[1]) lookup(process.argv[1]);
else require('readline').createInterface({ input: process.stdin }).on('line', command);
`;

const nslookup = (...args: string[]) => [process.execPath, '-e', NSLOOKUP, ...args];

const seed = defineSeed({
  id: 'S39',
  title: 'subprocess: call() exit code; Popen().communicate(input)',
  python: "nslookup's output and return code (Exit code: 0), for call() and for communicate()",
  async run(out) {
    out.log('$ nslookup www.python.org');
    // Like Python's call, the child writes straight to this process's stdout.
    const r = await call(nslookup('www.python.org'));
    out.log('Exit code:', r);

    out.log('$ nslookup');
    const p = new Popen(nslookup(), { stdin: PIPE, stdout: PIPE, stderr: PIPE });
    const { stdout, stderr } = await p.communicate({ input: 'set q=mx\npython.org\nexit\n' });
    out.log('Exit code:', p.returncode);
    out.log('Output:', stdout.toString('utf-8'));
    out.log('Error:', stderr.toString('utf-8'));

    const mx = stdout.toString('utf-8').includes('mail exchanger')
      ? 'an MX answer'
      : 'no MX answer';
    return `call() returned exit code ${r}; communicate() fed 3 commands and got ${mx}, exit code ${p.returncode}`;
  },
});

export default seed;

runIfMain(import.meta, seed);
