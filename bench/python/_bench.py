"""Shared argument handling for the CPython side of weft's benchmarks: each script measures one
case for --rounds N rounds (after one warm-up) and prints {"values": [...]} as its last line."""
import argparse, json, sys

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
