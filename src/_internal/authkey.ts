/**
 * The process tree's authentication key (Python's `current_process().authkey`): inherited
 * from the parent through `WEFT_AUTHKEY`, or made here in the tree's root process. The root
 * also records it in its own environment, so the threads and child processes it starts later
 * inherit the same key (a worker thread's environment is a copy of its creator's).
 */
import { randomBytes } from 'node:crypto';

function treeAuthkey(): Buffer {
  const inherited = process.env.WEFT_AUTHKEY;
  if (inherited) return Buffer.from(inherited, 'hex');
  const key = randomBytes(32);
  process.env.WEFT_AUTHKEY = key.toString('hex');
  return key;
}

/** The key every process and thread of this tree shares. */
export const authkey: Buffer = treeAuthkey();
