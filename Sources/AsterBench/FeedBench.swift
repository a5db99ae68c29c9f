import AsterKit
import AsterSim
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Loopback throughput and latency at an exact offered rate of aggTrade frames, with the server
/// in its own process (`aster-bench feed-server`), read by the AsterKit client and then by a
/// Python `websockets` + `orjson` client; then a soak at 20k frames/s watching resident memory.
enum FeedBench {
    // MARK: Server (its own process)

    /// Serves `/ws/<anything>?rate=N`: aggTrade frames paced at N per second, ids consecutive,
    /// `E` the send time. Prints `PORT <n>` once listening.
    static func serve() async throws {
        var logger = Logger(label: "aster-bench.feed-server")
        logger.logLevel = .error
        let app = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(configuration: .init(maxFrameSize: 1 << 20)) { request, _, _ in
                // `/ws/<anything>?rate=N`: bare payloads; `/rate/N/stream?streams=…`: a combined
                // stream's base URL for clients that build their own path (`aster-tui stream`).
                let path = request.path ?? ""
                let rate: Int
                let combined: Bool
                if path.hasPrefix("/ws/") {
                    rate = path.split(separator: "rate=").last.flatMap { Int($0) } ?? 10_000
                    combined = false
                } else if path.hasPrefix("/rate/") {
                    rate = Int(path.dropFirst(6).prefix { $0.isNumber }) ?? 10_000
                    combined = true
                } else {
                    return .dontUpgrade
                }
                return .upgrade([:]) { inbound, outbound, _ in
                    // Read what the client sends, so its pongs answer the server's pings.
                    let reader = Task { for try await _ in inbound {} }
                    defer { reader.cancel() }
                    let start = ContinuousClock.now
                    var sent = 0
                    while !Task.isCancelled {
                        let elapsed = (ContinuousClock.now - start).seconds
                        let due = Int(Double(rate) * elapsed)
                        while sent < due {
                            sent += 1
                            let ms = Int64(Date().timeIntervalSince1970 * 1000)
                            let price = 90_000 + Double(sent % 2_000) / 10
                            let payload = #"{"e":"aggTrade","E":\#(ms),"s":"BTCUSDT","a":\#(sent),"p":"\#(String(format: "%.1f", price))","q":"0.\#(100 + sent % 900)","f":\#(sent * 2),"l":\#(sent * 2 + 1),"T":\#(ms),"m":\#(sent % 3 == 0)}"#
                            try await outbound.write(.text(combined ? #"{"stream":"btcusdt@aggTrade","data":\#(payload)}"# : payload))
                        }
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                FileHandle.standardOutput.write(Data("PORT \(channel.localAddress?.port ?? 0)\n".utf8))
            },
            logger: logger
        )
        try await app.run()
    }

    // MARK: Driver

    struct Result {
        var framesPerSecond: Double
        var p50: Double
        var p99: Double
        var missed: Int
        var cpuMicrosPerFrame: Double
    }

    /// User + system CPU time of this process, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func run(seconds: Double, soakSeconds: Double, rates: [Int] = [10_000, 50_000, 150_000]) async throws {
        let (process, port) = try startServer()
        defer { process.terminate() }
        print("\nFeed benchmark: aggTrade frames at an exact offered rate from a server in its own process")
        print("offered | client | frames/s | latency p50 | p99 | CPU per frame | missed")
        for rate in rates {
            let url = "ws://127.0.0.1:\(port)/ws/btcusdt@aggTrade?rate=\(rate)"
            let swift = try await asterKit(url: url, seconds: seconds)
            print("\(format(Double(rate)))/s | AsterKit StreamClient | \(format(swift.framesPerSecond)) | \(ms(swift.p50)) | \(ms(swift.p99)) | \(us(swift.cpuMicrosPerFrame)) | \(swift.missed)")
            if let py = BookBench.runPython(["stream", "--script", "bench_stream_client.py", url, String(seconds)]) {
                let pyRate = py["frames_per_s"] ?? 0, pyCPU = py["cpu_us_per_frame"] ?? 0
                print("\(format(Double(rate)))/s | Python websockets+orjson | \(format(pyRate)) | \(ms(py["p50_ms"] ?? 0)) | \(ms(py["p99_ms"] ?? 0)) | \(us(pyCPU)) | -")
                print(String(format: "  ratio AsterKit / Python: %.2fx frames/s, %.2fx less CPU per frame", swift.framesPerSecond / max(1, pyRate),
                             pyCPU / max(0.001, swift.cpuMicrosPerFrame)))
            } else {
                print("  (Python client unavailable: pip install websockets orjson)")
            }
        }
        let floor = decodeFloor()
        print("floor: the same frames decoded from memory (no socket), \(us(floor)) CPU per frame")
        guard soakSeconds > 0 else { return }
        print("\nSoak: 20k aggTrade frames/s for \(Int(soakSeconds)) s; resident memory of this process (MiB)")
        let url = "ws://127.0.0.1:\(port)/ws/btcusdt@aggTrade?rate=20000"
        let client = StreamClient(url: url)
        let trades = client.aggregateTrades()
        let count = Locked(0)
        let started = ContinuousClock.now
        var samples: [(Int, Int)] = [(0, StreamBench.residentMemory() / 1024)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            group.addTask { for await _ in trades { count.value += 1 } }
            while (ContinuousClock.now - started).seconds < soakSeconds {
                try await Task.sleep(for: .seconds(min(30, soakSeconds)))
                samples.append((Int((ContinuousClock.now - started).seconds), StreamBench.residentMemory() / 1024))
            }
            group.cancelAll()
        }
        let frames = count.value
        print(samples.map { "\($0.0)s: \($0.1)" }.joined(separator: "  "))
        let settled = samples.dropFirst(min(2, samples.count - 1)).map(\.1)
        let growth = (settled.last ?? 0) - (settled.first ?? 0)
        print("frames: \(frames)  (\(format(Double(frames) / soakSeconds))/s), dropped \(client.statistics.dropped); growth after warm-up: \(growth) MiB")
        print(growth <= 5 ? "memory flat (≤ 5 MiB growth after warm-up)" : "MEMORY GREW by \(growth) MiB")
    }

    static func asterKit(url: String, seconds: Double, deliveryInterval: Duration? = nil) async throws -> Result {
        var configuration = StreamConfiguration(bufferLimit: 1_000_000)
        if let deliveryInterval { configuration.deliveryInterval = deliveryInterval }
        let client = StreamClient(url: url, configuration: configuration)
        let trades = client.aggregateTrades()
        return try await running(client) { try await measure(trades, seconds: seconds) }
    }

    static func measure(_ trades: EventFeed<AggregateTrade>, seconds: Double) async throws -> Result {
        var latencies: [Int64] = []
        latencies.reserveCapacity(Int(seconds * 60_000))
        var frames = 0, missed = 0
        var last: Int64?
        var started: ContinuousClock.Instant?
        var cpuStart = 0.0
        for await trade in trades {
            if started == nil {
                started = .now
                cpuStart = cpuSeconds()
            }
            frames += 1
            latencies.append(Int64(Date().timeIntervalSince1970 * 1000) - trade.eventTime)
            if let l = last, trade.aggregateTradeId != l + 1 { missed += Int(trade.aggregateTradeId - l - 1) }
            last = trade.aggregateTradeId
            if let s = started, (ContinuousClock.now - s).seconds >= seconds { break }
        }
        let elapsed = (ContinuousClock.now - (started ?? .now)).seconds
        let cpu = cpuSeconds() - cpuStart
        latencies.sort()
        return Result(framesPerSecond: Double(frames) / max(elapsed, 0.001),
                      p50: latencies.isEmpty ? 0 : Double(latencies[latencies.count / 2]),
                      p99: latencies.isEmpty ? 0 : Double(latencies[latencies.count * 99 / 100]), missed: missed,
                      cpuMicrosPerFrame: cpu * 1e6 / Double(max(frames, 1)))
    }

    /// CPU per frame to decode the feed's frames from memory: what the transport adds to it is
    /// the rest of the client's cost.
    static func decodeFloor(count: Int = 1_000_000) -> Double {
        let frames = (0..<1_000).map { sent in
            let price = 90_000 + Double(sent % 2_000) / 10
            return #"{"e":"aggTrade","E":1764000000000,"s":"BTCUSDT","a":\#(sent),"p":"\#(String(format: "%.1f", price))","q":"0.\#(100 + sent % 900)","f":\#(sent * 2),"l":\#(sent * 2 + 1),"T":1764000000000,"m":\#(sent % 3 == 0)}"#
        }
        let decoder = EventDecoder()
        var ids = 0
        let start = cpuSeconds()
        for i in 0..<count {
            if case .aggregateTrade(let t) = (try? decoder.decode(frames[i % frames.count]))?.event { ids &+= Int(t.aggregateTradeId) }
        }
        let cpu = cpuSeconds() - start
        if ids == 42 { print("") }
        return cpu * 1e6 / Double(count)
    }

    static func ms(_ v: Double) -> String { String(format: "%.0f ms", v) }
    static func us(_ v: Double) -> String { String(format: "%.1f µs", v) }

    /// Starts `aster-bench feed-server` and reads its port.
    static func startServer() throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        }
        process.arguments = ["feed-server"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw CocoaError(.fileReadUnknown) }
            buffer += chunk
        }
        let line = String(decoding: buffer, as: UTF8.self)
        guard let port = line.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return (process, port)
    }
}

/// Runs `client` while `body` runs; stops it (and waits for it to close) when `body` returns.
func running<T: Sendable>(_ client: StreamClient, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// A value behind a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
