#!/usr/bin/env python3
"""Python reference client for the stream benchmark (called by `aster-bench stream`).

Reads the simulator's combined stream with `websockets`, decodes every frame with `orjson`, and
prints {"frames_per_s", "p50_ms", "p99_ms", "cpu_us_per_frame"} (latency = receive time − the payload's
event time; CPU = this process's user+system time over the measured window, per frame).
"""
import asyncio
import json
import sys
import time

import orjson
import websockets


async def main(url, seconds):
    frames = 0
    latencies = []
    async with websockets.connect(url, max_size=16 * 1024 * 1024) as ws:
        start = None
        while True:
            raw = await ws.recv()
            msg = orjson.loads(raw)
            now_ms = time.time() * 1000
            if start is None:
                start = time.perf_counter()
                cpu_start = time.process_time()
            frames += 1
            data = msg.get("data", msg)
            if isinstance(data, dict) and "E" in data:
                latencies.append(now_ms - data["E"])
            if time.perf_counter() - start >= seconds:
                break
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    latencies.sort()
    p50 = latencies[len(latencies) // 2] if latencies else 0
    p99 = latencies[len(latencies) * 99 // 100] if latencies else 0
    print(json.dumps({"frames_per_s": frames / elapsed, "p50_ms": p50, "p99_ms": p99,
                      "cpu_us_per_frame": cpu * 1e6 / max(frames, 1)}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2])))
