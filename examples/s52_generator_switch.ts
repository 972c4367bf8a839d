/**
 * S52: greenlet `switch()` between two functions gives interleaved prints. JavaScript
 * generators are the same kind of hand-scheduled coroutine: each yields the greenlet to
 * switch to, and a small driver resumes it.
 *
 * Python:
 *   def eat(name):
 *       print('%s eat 1' % name); g2.switch('egon'); print('%s eat 2' % name); g2.switch()
 *   def play(name):
 *       print('%s play 1' % name); g1.switch(); print('%s play 2' % name)
 *   g1 = greenlet(eat); g2 = greenlet(play); g1.switch('egon')
 */
import { defineSeed, runIfMain, type SeedOutput } from './_seed.js';

/** What a greenlet body yields: the greenlet to switch to and the arguments it gets. */
type Switch = [target: Greenlet, ...args: unknown[]];
type Body = (...args: any[]) => Generator<Switch, void, unknown>;

/** A greenlet over a generator: started by its first switch, resumed by later ones. */
class Greenlet {
  #gen: Generator<Switch, void, unknown> | undefined;
  constructor(readonly body: Body) {}

  /** Runs this greenlet (and whatever it switches to) until one of them finishes. */
  switch(...args: unknown[]): void {
    let current: Greenlet = this;
    let values = args;
    for (;;) {
      const step: IteratorResult<Switch, void> =
        current.#gen === undefined
          ? (current.#gen = current.body(...values)).next()
          : current.#gen.next(values[0]);
      if (step.done) return; // back to the parent (the main program), as in greenlet
      [current, ...values] = step.value;
    }
  }
}

const seed = defineSeed({
  id: 'S52',
  title: 'greenlet switch() between two functions, with generators',
  python: 'interleaved prints',
  async run(out: SeedOutput) {
    const g1: Greenlet = new Greenlet(function* eat(name: string) {
      out.log(`${name} eat 1`);
      yield [g2, 'egon'];
      out.log(`${name} eat 2`);
      yield [g2];
    });
    const g2: Greenlet = new Greenlet(function* play(name: string) {
      out.log(`${name} play 1`);
      yield [g1];
      out.log(`${name} play 2`);
    });
    g1.switch('egon');
    return 'eat 1, play 1, eat 2, play 2: the two functions interleave by explicit switches';
  },
});

export default seed;
runIfMain(import.meta, seed);
