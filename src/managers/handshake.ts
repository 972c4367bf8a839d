/**
 * The two-way authentication of `multiprocessing.connection`, over a {@link FramedSocket}.
 * The server challenges first and the client answers; then the client challenges and the
 * server answers. Either side refusing the other ends the connection. Every read is capped at
 * 256 bytes, and nothing else is read before both sides are satisfied.
 */
import { AuthenticationError } from '../errors.js';
import { answerChallenge, createChallenge, FAILURE, verifyAnswer, WELCOME } from './auth.js';
import type { FramedSocket } from './connection.js';

/** Challenges the peer: resolves if it proved it has the key, or rejects after `#FAILURE#`. */
async function deliverChallenge(conn: FramedSocket, authkey: Buffer): Promise<void> {
  const { frame, message } = createChallenge();
  conn.send(frame);
  const answer = await conn.read();
  const wrong = verifyAnswer(authkey, message, answer);
  if (wrong) {
    conn.end(FAILURE);
    throw new AuthenticationError(wrong);
  }
  conn.send(WELCOME);
}

/** Answers the peer's challenge: resolves on `#WELCOME#`, rejects if the peer refused. */
async function answerPeerChallenge(conn: FramedSocket, authkey: Buffer): Promise<void> {
  const challenge = await conn.read();
  conn.send(answerChallenge(authkey, challenge));
  const verdict = await conn.read();
  if (!verdict.equals(WELCOME)) throw new AuthenticationError('digest sent was rejected');
}

/** The server's side: challenge the client, then answer its challenge. */
export async function serverHandshake(conn: FramedSocket, authkey: Buffer): Promise<void> {
  await deliverChallenge(conn, authkey);
  await answerPeerChallenge(conn, authkey);
}

/** The client's side: answer the server's challenge, then challenge the server. */
export async function clientHandshake(conn: FramedSocket, authkey: Buffer): Promise<void> {
  await answerPeerChallenge(conn, authkey);
  await deliverChallenge(conn, authkey);
}
