#!/usr/bin/env python3
"""Python baselines for the decode benchmark (called by `swift run -c release aster-bench`).

For each frame kind (one frame per line in a file) it measures:
  bare:    orjson.loads only (dicts, numbers left as strings)
  decimal: orjson.loads then Decimal() of every decimal field, as a careful client does
and prints {"kind": {"bare": frames_per_s, "decimal": frames_per_s}} as JSON.
"""
import argparse
import json
import time
from decimal import Decimal

import orjson

AGG = ("p", "q")
TICKER = ("p", "P", "w", "c", "Q", "o", "h", "l", "v", "q")


def to_decimal(msg):
    if isinstance(msg, list):
        for m in msg:
            to_decimal(m)
        return msg
    data = msg.get("data", msg)
    if isinstance(data, list):
        return to_decimal(data)
    e = data.get("e")
    if e == "aggTrade":
        for k in AGG:
            data[k] = Decimal(data[k])
    elif e == "depthUpdate":
        data["b"] = [(Decimal(p), Decimal(q)) for p, q in data["b"]]
        data["a"] = [(Decimal(p), Decimal(q)) for p, q in data["a"]]
    elif e == "24hrTicker":
        for k in TICKER:
            data[k] = Decimal(data[k])
    return msg


def measure(frames, fn, seconds):
    for f in frames:
        fn(f)
    n = 0
    start = time.perf_counter()
    while True:
        for f in frames:
            fn(f)
        n += len(frames)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--kind", action="append", default=[])
    args = ap.parse_args()
    out = {}
    for spec in args.kind:
        name, path = spec.split("=", 1)
        frames = [line.encode() for line in open(path).read().split("\n") if line]
        out[name] = {
            "bare": measure(frames, orjson.loads, args.seconds),
            "decimal": measure(frames, lambda f: to_decimal(orjson.loads(f)), args.seconds),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
