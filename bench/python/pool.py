"""CPython's side of the `pool` suite: concurrent.futures and multiprocessing.Pool on the same
workloads as weft's (adapted from the tutorial measurements in python-bench/)."""
import time, sys
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
import _bench

noop = _bench.noop

def cpu(iterations):
    s = 0
    for i in range(iterations):
        s = (s + i * i) % 1_000_003
    return s

def tiny(ex, quick):
    return _bench.submit_rate(ex, 20_000 if quick else 100_000)

def roundtrip(ex, quick):
    return _bench.roundtrip_median(ex, 2_000 if quick else 10_000)

def main():
    a = _bench.args(lambda p: p.add_argument('case'))
    values = []
    if a.case in ('tiny', 'roundtrip'):
        workers = 2 if a.case == 'tiny' else 1
        fn = tiny if a.case == 'tiny' else roundtrip
        with ThreadPoolExecutor(workers) as ex:
            [ex.submit(noop, i).result() for i in range(workers * 4)]
            fn(ex, a.quick)
            values = [fn(ex, a.quick) for _ in range(a.rounds)]
    elif a.case == 'map':
        items = list(range(100_000))
        with Pool(2) as p:
            p.map(noop, items, chunksize=5000)
            for _ in range(a.rounds):
                t = time.perf_counter()
                p.map(noop, items, chunksize=5000)
                values.append(len(items) / (time.perf_counter() - t))
    elif a.case == 'cpu':
        # CPython's threads share the GIL: CPU tasks need processes. The same 8 tasks, scaled
        # down 12x so that each is ~200 ms of Python work, serial vs Pool(2).
        it = 1_000_000
        t = time.perf_counter(); [cpu(it) for _ in range(8)]; serial = time.perf_counter() - t
        with Pool(2) as p:
            for _ in range(a.rounds):
                t = time.perf_counter(); p.map(cpu, [it] * 8, chunksize=1); values.append(serial / (time.perf_counter() - t))
    elif a.case == 'startup':
        for _ in range(a.rounds):
            t = time.perf_counter()
            with ThreadPoolExecutor(8) as ex:
                for f in [ex.submit(noop, i) for i in range(8)]:
                    f.result()
                values.append((time.perf_counter() - t) * 1000)
    else:
        sys.exit(f'unknown case {a.case}')
    _bench.report(values)

if __name__ == '__main__':
    main()
