/** Worker file for workerpool. */
import workerpool from 'workerpool';
import { cpu, noop } from './tasks.js';

workerpool.worker({ noop, cpu });
