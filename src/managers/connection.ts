/**
 * A TCP socket carrying frames: awaited one at a time during the handshake (`read`), then
 * handed to a callback as they arrive (`receive`). Every read has a size limit, checked on the
 * header before any payload is awaited; going over it closes the connection.
 */
import type { Socket } from 'node:net';
import { HANDSHAKE_FRAME_LIMIT } from './auth.js';
import { encodeFrame, FrameReader, FrameTooLarge } from './frames.js';

/**
 * Bytes a peer may send ahead during the handshake. A CPython or weft peer never sends more
 * than one frame before the reply it waits for, so this is one capped frame with room to spare.
 */
const HANDSHAKE_BUFFER_LIMIT = 4 * (HANDSHAKE_FRAME_LIMIT + 4);

/** Idle time before TCP keep-alive probes start. */
const KEEPALIVE_MS = 30_000;

/** The connection closed (or failed) while a frame was awaited. */
export class ConnectionClosed extends Error {
  constructor(cause?: unknown) {
    super('the connection closed', cause === undefined ? undefined : { cause });
  }
}

interface Waiter {
  resolve(frame: Buffer): void;
  reject(err: Error): void;
}

/** A socket carrying `multiprocessing.connection` frames. */
export class FramedSocket {
  readonly socket: Socket;
  readonly #reader = new FrameReader();
  #limit = HANDSHAKE_FRAME_LIMIT;
  #waiter: Waiter | undefined;
  #onFrame: ((frame: Buffer) => void) | undefined;
  #failure: Error | undefined;
  readonly #closed: Promise<Error | undefined>;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    // Finds a peer whose machine went away without closing (a session would hold its objects).
    socket.setKeepAlive(true, KEEPALIVE_MS);
    socket.on('data', (chunk: Buffer) => {
      this.#reader.push(chunk);
      this.#drain();
    });
    socket.on('error', (err) => {
      this.#failure ??= err;
    });
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#failure ??= new ConnectionClosed();
        this.#waiter?.reject(new ConnectionClosed(this.#failure));
        this.#waiter = undefined;
        resolve(this.#failure instanceof ConnectionClosed ? undefined : this.#failure);
      });
    });
  }

  /** Settles when the socket has closed, with the error that closed it, if any. */
  get closed(): Promise<Error | undefined> {
    return this.#closed;
  }

  /** Whether the socket is closed or closing. */
  get isClosed(): boolean {
    return this.socket.destroyed || this.#failure !== undefined;
  }

  /** Sends one frame. Returns `false` when the socket's buffer is full (wait for `drain`). */
  send(payload: Uint8Array): boolean {
    if (this.socket.destroyed) return false;
    return this.socket.write(encodeFrame(payload));
  }

  /** The next frame, of at most `limit` bytes. Rejects with {@link ConnectionClosed}. */
  read(limit = HANDSHAKE_FRAME_LIMIT): Promise<Buffer> {
    if (this.#waiter || this.#onFrame) throw new Error('a frame is already awaited');
    if (this.socket.destroyed) return Promise.reject(new ConnectionClosed(this.#failure));
    this.#limit = limit;
    const frame = new Promise<Buffer>((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
    this.#drain();
    return frame;
  }

  /** From now on, hands every frame of at most `limit` bytes to `onFrame`, in order. */
  receive(limit: number, onFrame: (frame: Buffer) => void): void {
    if (this.#waiter) throw new Error('a frame is already awaited');
    this.#limit = limit;
    this.#onFrame = onFrame;
    this.#drain();
  }

  /** Closes the connection at once; `reason` becomes the close error, if given. */
  destroy(reason?: Error): void {
    if (reason) this.#failure ??= reason;
    this.socket.destroy();
  }

  /** Sends `payload` as the last frame, then closes the connection once it is written. */
  end(payload: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.end(encodeFrame(payload), () => this.socket.destroy());
  }

  #drain(): void {
    try {
      while (!this.socket.destroyed) {
        const target = this.#onFrame ?? this.#waiter;
        if (!target) break;
        const frame = this.#reader.next(this.#limit);
        if (!frame) break;
        if (this.#onFrame) this.#onFrame(frame);
        else {
          const waiter = this.#waiter!;
          this.#waiter = undefined;
          waiter.resolve(frame);
        }
      }
      if (!this.#onFrame && this.#reader.buffered > HANDSHAKE_BUFFER_LIMIT)
        throw new FrameTooLarge(this.#reader.buffered, HANDSHAKE_BUFFER_LIMIT);
    } catch (err) {
      this.destroy(err as Error);
    }
  }
}
