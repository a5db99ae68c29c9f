#!/usr/bin/env python3
"""Python peer of `aster-tui stream --json` for `aster-bench cli`.

Reads COUNT frames of a combined stream with `websockets`, decodes each with `orjson`, converts
its decimal fields with `Decimal` (exact, as AsterKit is), and writes one JSON line per event with
the same keys as aster-tui to standard output (buffered, as Python does when not on a terminal).
Usage: bench_cli_baseline.py URL COUNT
"""
import asyncio
import sys
from decimal import Decimal

import orjson
import websockets


async def main(url, count):
    out = sys.stdout.buffer
    n = 0
    async with websockets.connect(url, max_size=16 * 1024 * 1024) as ws:
        async for raw in ws:
            msg = orjson.loads(raw)
            d = msg.get("data", msg)
            line = orjson.dumps({
                "stream": msg.get("stream"), "type": "aggTrade", "eventTime": d["E"], "symbol": d["s"].upper(),
                "aggregateTradeId": d["a"], "price": str(Decimal(d["p"])), "quantity": str(Decimal(d["q"])),
                "firstTradeId": d["f"], "lastTradeId": d["l"], "tradeTime": d["T"], "buyerIsMaker": d["m"],
            })
            out.write(line)
            out.write(b"\n")
            n += 1
            if n >= count:
                break
    out.flush()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
