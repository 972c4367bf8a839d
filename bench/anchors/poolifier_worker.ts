/** Worker file for poolifier. */
import { ThreadWorker } from 'poolifier';
import { cpu, noop } from './tasks.js';

export default new ThreadWorker({
  noop: (x: unknown) => noop(x),
  cpu: (n: unknown) => cpu(n as number),
});
