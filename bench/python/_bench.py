"""Shared argument handling for the CPython side of weft's benchmarks: each script measures one
case for --rounds N rounds (after one warm-up) and prints {"values": [...]} as its last line."""
import argparse, json, statistics, sys, time

def args(extra=None):
    p = argparse.ArgumentParser()
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--quick', action='store_true')
    if extra:
        extra(p)
    return p.parse_args()

def report(values):
    print(json.dumps({"values": values}))
    sys.stdout.flush()


def noop(x=None):
    return x

def submit_rate(ex, n):
    """Tasks/s of n no-op tasks submitted to executor `ex` at once, all results awaited."""
    t = time.perf_counter()
    fs = [ex.submit(noop, i) for i in range(n)]
    for f in fs:
        f.result()
    return n / (time.perf_counter() - t)

def roundtrip_median(ex, n):
    """Median microseconds of n sequential submit -> result of a no-op task."""
    lat = []
    for i in range(n):
        t = time.perf_counter()
        ex.submit(noop, i).result()
        lat.append((time.perf_counter() - t) * 1e6)
    return statistics.median(lat)
