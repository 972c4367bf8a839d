/**
 * The blocking forms (`acquireSync`, `getSync`, `.value`...): a thread cannot wait for a
 * socket without returning to its event loop, so it hands the request to a small helper
 * thread that owns a connection of its own, and sleeps on a shared word until the helper
 * has the reply. The helper starts on the first blocking call of the thread and does not
 * keep the process alive.
 *
 * The mailbox is one `Int32Array` word, {@link STATE}, written by both threads:
 *
 * | value | meaning | written by |
 * |---|---|---|
 * | {@link IDLE} | no request in flight | this thread, after taking the reply |
 * | {@link WAITING} | a request was posted; the reply is not there yet | this thread, before posting |
 * | {@link REPLIED} | the reply is on the port | the helper, after posting it |
 *
 * Ordering: this thread stores WAITING *before* posting the request, so the helper's store of
 * REPLIED can never be overwritten by it; the helper posts the reply on the port *before*
 * storing REPLIED and notifying, so when this thread sees REPLIED, `receiveMessageOnPort`
 * finds the reply. `Atomics.wait(STATE, WAITING)` returns at once if the helper was faster,
 * so no wakeup is lost.
 */
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  threadId,
  Worker,
} from 'node:worker_threads';
import { decodeError } from '../../runtime/error_wire.js';
import { BrokerClient } from './client.js';
import { type Message, Status } from './wire.js';

/** The mailbox's one slot. */
export const STATE = 0;
export const IDLE = 0;
export const WAITING = 1;
export const REPLIED = 2;

/** What the helper is sent: the broker, messages to send first, then the request. */
export type BridgeRequest = [
  address: string,
  first: Message[],
  target: number,
  method: string,
  args: unknown[],
  /** Messages the thread had written on its own connection: the broker serves this after them. */
  after: number,
];
/** What it answers: a {@link Status} and the value or flattened error. */
export type BridgeReply = [status: number, value: unknown];

interface Bridge {
  port: MessagePort;
  mailbox: Int32Array;
}

let bridge: Bridge | undefined;

function startBridge(): Bridge {
  const mailbox = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./sync_helper.js', import.meta.url), {
    workerData: { mailbox, port: port2, tid: threadId },
    transferList: [port2],
    env: process.env,
  });
  worker.on('error', (err) => process.emitWarning(`weft: the sync helper thread stopped: ${err}`));
  worker.unref();
  port1.unref();
  return { port: port1, mailbox };
}

/**
 * Runs a request to the broker at `address` and blocks this thread until it is answered
 * (`ahead`, a one-way message, goes first). Returns the reply's value or throws the error it
 * carries.
 */
export function requestSync(
  address: string,
  target: number,
  method: string,
  args: unknown[],
  ahead?: Message,
): unknown {
  const b = (bridge ??= startBridge());
  const own = BrokerClient.of(address);
  const first = own.takeUnsent();
  if (ahead) first.push(ahead);
  Atomics.store(b.mailbox, STATE, WAITING);
  b.port.postMessage([address, first, target, method, args, own.written] satisfies BridgeRequest);
  while (Atomics.load(b.mailbox, STATE) === WAITING) Atomics.wait(b.mailbox, STATE, WAITING);
  const reply = receiveMessageOnPort(b.port)?.message as BridgeReply;
  Atomics.store(b.mailbox, STATE, IDLE);
  if (reply[0] === Status.Ok) return reply[1];
  throw decodeError(reply[1]);
}
