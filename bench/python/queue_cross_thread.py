"""queue-cross-thread for CPython: one producer thread and one consumer thread move the
integers 0..n-1 through a queue.Queue. The clock runs from the moment both threads are
ready until the consumer has every item; the consumer checks the sum.

Prints {"values": [...]}: items/s, one value per round (after one warm-up round).
Usage: queue_cross_thread.py [--rounds N] [--quick]
"""
import argparse
import json
import queue
import threading
import time

ITEMS = 200_000


def one_round(n):
    q = queue.Queue()
    ready = threading.Barrier(3)
    result = {}

    def producer():
        ready.wait()
        for i in range(n):
            q.put(i)

    def consumer():
        ready.wait()
        total = 0
        for _ in range(n):
            total += q.get()
        result["sum"] = total
        result["end"] = time.perf_counter()

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    ready.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    if result["sum"] != n * (n - 1) // 2:
        raise SystemExit(f"items lost or duplicated: sum {result['sum']}")
    return n / (result["end"] - t0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = ITEMS // 5 if args.quick else ITEMS
    one_round(n)  # warm-up, not reported
    values = [one_round(n) for _ in range(args.rounds)]
    print(json.dumps({"values": values}))


if __name__ == "__main__":
    main()
