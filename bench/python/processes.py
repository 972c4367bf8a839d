"""CPython's side of the `processes` suite: ProcessPoolExecutor and multiprocessing.Process on
the same workloads as weft's (adapted from python-bench/pools_queues_locks.py and
processes.py). Prints {"values": [...]}, one value per round after a warm-up.

Usage: processes.py [--rounds N] [--quick] [--method fork|spawn|forkserver] CASE
  CASE: pool-tiny (tasks/s), roundtrip (us), start (ms per child), s01 (s)
"""
import multiprocessing as mp
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import _bench


noop = _bench.noop


def pool_tiny(ex, quick):
    return _bench.submit_rate(ex, 5_000 if quick else 20_000)


def roundtrip(ex, quick):
    return _bench.roundtrip_median(ex, 1000 if quick else 3000)


def start(ctx, quick):
    n = 5 if quick else 10
    t = time.perf_counter()
    for _ in range(n):
        p = ctx.Process(target=noop)
        p.start()
        p.join()
    return (time.perf_counter() - t) / n * 1000


def s01(ctx, quick):
    t = time.perf_counter()
    ps = [ctx.Process(target=time.sleep, args=(0.1,)) for _ in range(25 if quick else 100)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    return time.perf_counter() - t


def main():
    def extra(p):
        p.add_argument('case')
        p.add_argument('--method', default=None)

    a = _bench.args(extra)
    ctx = mp.get_context(a.method)
    if a.case in ('pool-tiny', 'roundtrip'):
        workers = 2 if a.case == 'pool-tiny' else 1
        with ProcessPoolExecutor(workers, mp_context=ctx) as ex:
            for _ in range(3):
                [f.result() for f in [ex.submit(noop, i) for i in range(1000)]]
            run = (lambda: pool_tiny(ex, a.quick)) if a.case == 'pool-tiny' else (lambda: roundtrip(ex, a.quick))
            run()
            values = [run() for _ in range(a.rounds)]
    elif a.case == 'start':
        start(ctx, a.quick)
        values = [start(ctx, a.quick) for _ in range(a.rounds)]
    elif a.case == 's01':
        values = [s01(ctx, a.quick) for _ in range(a.rounds)]
    else:
        sys.exit(f'unknown case {a.case}')
    _bench.report(values)


if __name__ == '__main__':
    main()
