#!/usr/bin/env python3
"""Python reference for the order book benchmark (called by `swift run -c release aster-bench book`).

The usual Python approach: one sortedcontainers.SortedDict per side keyed by decimal.Decimal.
Applies the same update file the Swift side applies and prints {"updates_per_s", "top20_ns"}.
"""
import json
import sys
import time
from decimal import Decimal
from itertools import islice

from sortedcontainers import SortedDict


def load(path):
    out = []
    for line in open(path).read().split("\n"):
        if line:
            side, price, qty = line.split(" ")
            out.append((side == "b", Decimal(price), Decimal(qty)))
    return out


def main():
    folder, seconds = sys.argv[1], float(sys.argv[2])
    initial = load(folder + "/initial.txt")
    updates = load(folder + "/updates.txt")
    bids, asks = SortedDict(), SortedDict()
    for bid, price, qty in initial:
        (bids if bid else asks)[price] = qty
    zero = Decimal(0)

    def apply_all():
        for bid, price, qty in updates:
            side = bids if bid else asks
            if qty == zero:
                side.pop(price, None)
            else:
                side[price] = qty

    applied = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        apply_all()
        applied += len(updates)
    rate = applied / (time.perf_counter() - start)

    reads = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds / 2:
        for _ in range(1000):
            list(islice(reversed(bids.items()), 20))
            list(islice(asks.items(), 20))
        reads += 1000
    top20 = (time.perf_counter() - start) / reads * 1e9
    print(json.dumps({"updates_per_s": rate, "top20_ns": top20}))


if __name__ == "__main__":
    main()
