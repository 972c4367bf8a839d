/**
 * The helper thread of the sync bridge (see `sync.ts`): runs each request its creator posts
 * on its own connection to the broker, speaking as its creator's thread, and hands back the
 * reply: post it on the port, then store REPLIED in the mailbox and notify.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { encodeError } from '../../runtime/error_wire.js';
import { BrokerClient } from './client.js';
import { type BridgeReply, type BridgeRequest, REPLIED, STATE } from './sync.js';
import { Status } from './wire.js';

const { mailbox, port, tid } = workerData as {
  mailbox: Int32Array;
  port: MessagePort;
  tid: number;
};

function answer(reply: BridgeReply): void {
  port.postMessage(reply);
  Atomics.store(mailbox, STATE, REPLIED);
  Atomics.notify(mailbox, STATE);
}

port.on('message', ([address, first, target, method, args, after]: BridgeRequest) => {
  const client = BrokerClient.of(address, tid);
  client.postRaw(first);
  client.request(target, method, args, undefined, false, after).then(
    (value) => answer([Status.Ok, value]),
    (err) => answer([Status.Failed, encodeError(err)]),
  );
});
