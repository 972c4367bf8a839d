import { run } from 'weft/subprocess';

const r = await run(['ls', '-l'], { capture: true, text: true, check: true, timeout: 5000 });
console.log(r.returncode, r.stdout.split('\n').length);
