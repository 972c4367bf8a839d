/**
 * What a successful `acquire()` resolves to: truthy (Python's `True`) and disposable, so
 * `using _ = await lock.acquire()` releases the lock when the scope ends.
 */
export class Releaser implements Disposable {
  /**
   * True when this acquisition took over a lock whose holder died while holding it (its
   * thread crashed or ended): the data it guards may be half-updated.
   */
  ownerDied = false;

  constructor(private readonly releaseOnce: () => void) {}

  /** Releases what was acquired. */
  release(): void {
    this.releaseOnce();
  }

  [Symbol.dispose](): void {
    this.releaseOnce();
  }
}
