/** Worker file for piscina and tinypool: named exports, selected with `{ name }`. */
export { cpu, noop } from './tasks.js';
