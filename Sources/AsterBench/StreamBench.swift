import AsterKit
import AsterSim
import Foundation

/// Loopback throughput and latency: the simulator streams to an AsterKit client (typed, exact
/// events) and, on the same server, to a Python `websockets` + `orjson` client.
enum StreamBench {
    static func streams() -> [StreamName] {
        var out: [StreamName] = [.allBookTickers]
        for symbol in SimSymbol.defaults.map({ $0.name.lowercased() }) {
            out += [.aggTrade(symbol: symbol), .bookTicker(symbol: symbol), .diffDepth(symbol: symbol, speed: .ms100)]
        }
        return out
    }

    static func run(seconds: Double, rates: [Int] = [20_000, 100_000, 600_000, 1_000_000]) async throws {
        print("\nStream benchmark: simulator → client on loopback, \(streams().count) streams (aggTrade, bookTicker, depth@100ms x 10 symbols, !bookTicker)")
        print("order-flow rate | client | frames/s | latency p50 | p99 | RSS before → after")
        for rate in rates {
            let model = engine(rate: rate, seconds: 0.5)
            print(String(format: "%d/s | the market engine alone offers %@ frames/s, %.2f ms CPU per 10 ms tick (the demo account's trades come on top)",
                         rate, format(model.framesPerSecond), model.cpuPerTick * 1e3))
            let server = SimServer(configuration: SimConfiguration(seed: 11, rate: rate))
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let serverTask = Task {
                defer { continuation.finish() }
                try await server.run { continuation.yield($0) }
            }
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else {
                try await serverTask.value  // the simulator's own error: it could not start
                return
            }
            let base = "ws://127.0.0.1:\(port)"
            let swift = try await swiftClient(base: base, seconds: seconds)
            print("\(rate)/s | AsterKit | \(format(swift.rate)) | \(swift.p50) ms | \(swift.p99) ms | \(swift.rss)")
            let url = AsterEndpoint.combined(base: base, streams: streams())
            if let py = BookBench.runPython(["stream", "--script", "bench_stream_client.py", url, String(seconds)]) {
                print("\(rate)/s | Python websockets+orjson | \(format(py["frames_per_s"] ?? 0)) | \(Int(py["p50_ms"] ?? 0)) ms | \(Int(py["p99_ms"] ?? 0)) ms | -")
                print(String(format: "  ratio AsterKit / Python: %.2fx frames/s", swift.rate / max(1, py["frames_per_s"] ?? 1)))
            } else {
                print("  (Python client unavailable: pip install websockets orjson)")
            }
            serverTask.cancel()
            _ = try? await serverTask.value
        }
    }

    /// The simulator's market engine alone (no sockets, no demo account): CPU per 10 ms tick of
    /// `rate` order-flow actions a second, and the frames a second the market model offers to
    /// the benchmark's streams (what a server whose ticks keep time delivers, plus the demo
    /// account's trades).
    static func engine(rate: Int, seconds: Double) -> (cpuPerTick: Double, framesPerSecond: Double) {
        let wanted = Set(streams().map(\.name))
        var engine = SimEngine(seed: 11, now: 1_764_000_000_000)
        var now: Int64 = 1_764_000_000_000
        var frames = 0, ticks = 0
        let start = FeedBench.cpuSeconds()
        while FeedBench.cpuSeconds() - start < seconds || ticks < 100 {
            now += 10
            frames += engine.advance(to: now, steps: rate / 100, isWanted: wanted.contains).count
            ticks += 1
        }
        let cpu = FeedBench.cpuSeconds() - start
        return (cpu / Double(ticks), Double(frames) / Double(ticks) * 100)
    }

    static func swiftClient(base: String, seconds: Double) async throws -> (rate: Double, p50: Int64, p99: Int64, rss: String) {
        let rssBefore = residentMemory()
        let client = StreamClient(base: base, streams: streams(), configuration: StreamConfiguration(bufferLimit: 1_000_000))
        let messages = client.messages()
        return try await running(client) { await measure(messages, seconds: seconds, rssBefore: rssBefore) }
    }

    static func measure(_ messages: EventFeed<StreamMessage>, seconds: Double, rssBefore: Int) async
        -> (rate: Double, p50: Int64, p99: Int64, rss: String)
    {
        var frames = 0
        var latencies: [Int64] = []
        latencies.reserveCapacity(1_000_000)
        var started: ContinuousClock.Instant?
        let deadline = Duration.milliseconds(Int64(seconds * 1000))
        for await m in messages {
            if started == nil { started = .now }
            frames += 1
            if let t = m.event.firstEventTime { latencies.append(Int64(Date().timeIntervalSince1970 * 1000) - t) }
            if let s = started, ContinuousClock.now - s >= deadline { break }
        }
        let elapsed = (ContinuousClock.now - (started ?? .now)).seconds
        latencies.sort()
        let p50 = latencies.isEmpty ? 0 : latencies[latencies.count / 2]
        let p99 = latencies.isEmpty ? 0 : latencies[latencies.count * 99 / 100]
        return (Double(frames) / max(elapsed, 0.001), p50, p99, "\(rssBefore / 1024) → \(residentMemory() / 1024) MiB")
    }

    /// Resident memory of this process in KiB (from /proc/self/status).
    static func residentMemory() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
