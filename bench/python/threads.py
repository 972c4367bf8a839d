"""CPython's side of the `threads` suite: thread start-up and the S01 seed program."""
import threading, time
import _bench

def noop():
    pass

def main():
    a = _bench.args(lambda p: p.add_argument('case'))
    values = []
    for _ in range(a.rounds + 1):
        if a.case == 'start':
            n = 200
            t = time.perf_counter()
            for _ in range(n):
                th = threading.Thread(target=noop); th.start(); th.join()
            values.append((time.perf_counter() - t) * 1000 / n)
        elif a.case == 's01':
            t = time.perf_counter()
            ts = [threading.Thread(target=time.sleep, args=(0.1,)) for _ in range(100)]
            for th in ts: th.start()
            for th in ts: th.join()
            values.append(time.perf_counter() - t)
    _bench.report(values[1:])

if __name__ == '__main__':
    main()
