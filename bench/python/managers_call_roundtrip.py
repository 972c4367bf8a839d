"""CPython side of managers/call-roundtrip: a BaseManager server in its own process registers
`sum`; a client connected to it over loopback calls `manager.sum(1, 10)` again and again.
Prints {"values": [...]}: microseconds per call, one value per round (after a warm-up round).

As in Python programs, the call returns a proxy (`AutoProxy[sum]`); each call opens its own
authenticated connections to create it, and the proxy's finalizer releases it.
"""
import argparse
import json
import time
from multiprocessing.managers import BaseManager


def sum_range(start, end):
    return sum(range(start, end + 1))


class RemoteManager(BaseManager):
    pass


RemoteManager.register('sum', callable=sum_range)


class RemoteClient(BaseManager):
    pass


RemoteClient.register('sum')


def one_round(client, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        client.sum(1, 10)
    return (time.perf_counter() - t0) / calls * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--quick', action='store_true')
    args = parser.parse_args()
    calls = 5 if args.quick else 20

    server = RemoteManager(address=('127.0.0.1', 0), authkey=b'abc')
    server.start()  # the server runs in a child process, as in the seed program
    try:
        client = RemoteClient(address=server.address, authkey=b'abc')
        client.connect()
        assert str(client.sum(1, 100)) == '5050'
        one_round(client, calls)  # warm-up
        values = [one_round(client, calls) for _ in range(args.rounds)]
    finally:
        server.shutdown()
    print(json.dumps({'values': values}))


if __name__ == '__main__':
    main()
