"""Process IPC for CPython, beside weft's bench/cases/process_ipc.ts.

process-queue: one producer process puts the integers 0..n-1 on a multiprocessing.Queue; the
parent gets them all and checks the sum. items/s.
process-lock-value: two processes each do n times `with v.get_lock(): v.value += 1` on a
multiprocessing.Value('i'); the final value must be 2n. ops/s.

The clock runs from start() until the last child has exited. Prints {"values": [...]}, one
value per round after one warm-up round.
Usage: process_ipc.py CASE [--rounds N] [--quick]
"""
import argparse
import json
import time
from multiprocessing import Process, Queue, Value


def produce(q, n):
    for i in range(n):
        q.put(i)


def increment(v, n):
    for _ in range(n):
        with v.get_lock():
            v.value += 1


def process_queue(quick):
    n = 20_000 if quick else 100_000
    q = Queue()
    p = Process(target=produce, args=(q, n))
    t0 = time.perf_counter()
    p.start()
    total = 0
    for _ in range(n):
        total += q.get()
    p.join()
    dt = time.perf_counter() - t0
    if total != n * (n - 1) // 2:
        raise SystemExit(f"items lost or duplicated: sum {total}")
    return n / dt


def process_lock_value(quick):
    n = 20_000 if quick else 100_000
    v = Value('i', 0)
    ps = [Process(target=increment, args=(v, n)) for _ in range(2)]
    t0 = time.perf_counter()
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    dt = time.perf_counter() - t0
    if v.value != 2 * n:
        raise SystemExit(f"lost updates: {v.value} of {2 * n}")
    return 2 * n / dt


CASES = {"process-queue": process_queue, "process-lock-value": process_lock_value}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    run = CASES[args.case]
    run(args.quick)  # warm-up, not reported
    print(json.dumps({"values": [run(args.quick) for _ in range(args.rounds)]}))


if __name__ == "__main__":
    main()
