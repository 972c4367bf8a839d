"""CPython's side of the `shared` suite: threading's Lock, Condition and Semaphore."""
import threading, time
import _bench

def uncontended(n):
    lock = threading.Lock(); c = [0]
    t = time.perf_counter()
    for _ in range(n):
        lock.acquire(); c[0] += 1; lock.release()
    return n / (time.perf_counter() - t)

def contended(n):
    lock = threading.Lock(); c = [0]
    def work():
        for _ in range(n):
            with lock: c[0] += 1
    ts = [threading.Thread(target=work) for _ in range(2)]
    t = time.perf_counter(); [x.start() for x in ts]; [x.join() for x in ts]
    assert c[0] == 2 * n
    return 2 * n / (time.perf_counter() - t)

def pingpong(n):
    cond = threading.Condition(); turn = [0]
    def play(me):
        for _ in range(n):
            with cond:
                while turn[0] != me: cond.wait()
                turn[0] = 1 - me; cond.notify()
    ts = [threading.Thread(target=play, args=(i,)) for i in range(2)]
    t = time.perf_counter(); [x.start() for x in ts]; [x.join() for x in ts]
    return n / (time.perf_counter() - t)

def semaphore(n):
    sem = threading.Semaphore(2); inside = [0, 0]; guard = threading.Lock()
    def work():
        for _ in range(n):
            with sem:
                with guard:
                    inside[0] += 1; inside[1] = max(inside[1], inside[0])
                with guard:
                    inside[0] -= 1
    ts = [threading.Thread(target=work) for _ in range(4)]
    t = time.perf_counter(); [x.start() for x in ts]; [x.join() for x in ts]
    assert inside[1] <= 2
    return 4 * n / (time.perf_counter() - t)

def main():
    a = _bench.args(lambda p: p.add_argument('case'))
    sizes = {'uncontended': 2_000_000, 'contended': 500_000, 'pingpong': 20_000, 'semaphore': 100_000}
    n = sizes[a.case] // (5 if a.quick else 1)
    fn = globals()[a.case]
    fn(max(1, n // 10))
    _bench.report([fn(n) for _ in range(a.rounds)])

if __name__ == '__main__':
    main()
