/**
 * S11: an `Event` as a traffic light: five car threads wait until the light thread sets it.
 *
 * Python:
 *   event = Event()
 *
 *   def light():
 *       print('红灯亮着的 所有人都不能动')
 *       time.sleep(3)
 *       print('绿灯亮了 油门踩到底 给我冲!!!')
 *       event.set()
 *
 *   def car(name):
 *       print('%s正在等红灯' % name)
 *       event.wait()
 *       print('%s加油门 飙车了' % name)
 *
 *   t = Thread(target=light)
 *   t.start()
 *   for i in range(5):
 *       t = Thread(target=car, args=('熊猫PRO%s' % i,))
 *       t.start()
 *
 * The event is passed to each thread; `await event.wait()` waits without blocking the
 * thread's isolate (a thread of its own could block in `event.waitSync()`).
 */
import { sleep } from 'weft/asyncio';
import { Event, Thread } from 'weft/threading';
import { defineSeed, runIfMain } from './_seed.js';
import { joinAll, type LogBuffer, print, startAll, ThreadLog } from './_util.js';

export async function light(event: Event, log: LogBuffer, ms: number): Promise<void> {
  print(log, '红灯亮着的 所有人都不能动');
  await sleep(ms);
  print(log, '绿灯亮了 油门踩到底 给我冲!!!');
  event.set();
}

export async function car(event: Event, log: LogBuffer, name: string): Promise<void> {
  print(log, `${name}正在等红灯`);
  await event.wait();
  print(log, `${name}加油门 飙车了`);
}

const seed = defineSeed({
  id: 'S11',
  title: 'Event: a traffic light and five cars',
  python: 'cars go after the light',
  async run(out, { quick }) {
    await using log = new ThreadLog(out);
    const event = new Event();
    const ms = quick ? 300 : 3000;
    const threads = [new Thread({ target: light, args: [event, log.buffer, ms] })];
    for (let i = 0; i < 5; i++)
      threads.push(new Thread({ target: car, args: [event, log.buffer, `熊猫PRO${i}`] }));
    const start = performance.now();
    await joinAll(startAll(threads));
    const seconds = (performance.now() - start) / 1000;
    return `5 cars waited on the Event and went when the light set it, after ${seconds.toFixed(2)} s (light: ${ms / 1000} s)`;
  },
});

export default seed;
runIfMain(import.meta, seed);
