import ArgumentParser
import Foundation

/// `aster-bench`: speed and memory figures, each compared in the same run with its Python peer.
///
/// ```sh
/// swift run -c release aster-bench decode --seconds 2
/// swift run -c release aster-bench feed --rates 10000,50000 --soak-seconds 60
/// swift run -c release aster-bench cli      # aster-tui stream --json / --record against Python, end to end
/// swift run -c release aster-bench orders --clients 8   # signed orders/s accepted and matched
/// ```
@main
struct AsterBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aster-bench",
        abstract: "AsterKit and aster-tui benchmarks, each against its Python baseline in the same run.",
        discussion: "Build with -c release. `all` runs decode, book and stream (several minutes).",
        subcommands: [Decode.self, Book.self, Stream.self, Feed.self, CLI.self, Orders.self, SimEngine.self, FeedClient.self,
                      FeedServer.self, All.self]
    )
}

/// Options every timed benchmark takes.
struct TimingOptions: ParsableArguments {
    @Option(help: "Seconds per measurement.")
    var seconds: Double = 2

    func validate() throws {
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive") }
    }
}

/// `--rates R1,R2,…`.
struct RateOptions: ParsableArguments {
    @Option(help: "Comma-separated rates (per second).", transform: RateOptions.parse)
    var rates: [Int]?

    static func parse(_ text: String) throws -> [Int] {
        let parsed = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--rates takes positive whole numbers separated by commas")
        }
        return parsed.compactMap { $0 }
    }
}

extension AsterBenchCommand {
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Typed exact decoding against orjson and orjson + Decimal.")
        @OptionGroup var timing: TimingOptions
        func run() { DecodeBench.run(seconds: timing.seconds) }
    }

    struct Book: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Local order book updates against Python sortedcontainers.")
        @OptionGroup var timing: TimingOptions
        func run() { BookBench.run(seconds: timing.seconds) }
    }

    struct Stream: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The simulator's throughput to a client, paper trading on.")
        @OptionGroup var timing: TimingOptions
        @OptionGroup var rates: RateOptions
        func run() async throws {
            try await StreamBench.run(seconds: max(timing.seconds, 3), rates: rates.rates ?? [20_000, 100_000, 600_000, 1_000_000])
        }
    }

    struct Feed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Loopback feed: CPU per frame and latency against Python websockets + orjson, then a soak.")
        @OptionGroup var timing: TimingOptions
        @OptionGroup var rates: RateOptions
        @Option(help: "Seconds of the memory soak at 20k frames/s (0 skips it).")
        var soakSeconds: Double = 300
        func validate() throws {
            guard soakSeconds >= 0 else { throw ValidationError("--soak-seconds must not be negative") }
        }
        func run() async throws {
            try await FeedBench.run(seconds: max(timing.seconds, 3), soakSeconds: soakSeconds,
                                    rates: rates.rates ?? [10_000, 50_000, 150_000])
        }
    }

    struct CLI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cli",
            abstract: "aster-tui stream --json, plain and --record, end to end against Python websockets + orjson + Decimal.")
        @Option(help: "aggTrade frames the local server sends.")
        var frames: Int = 200_000
        @Option(help: "The aster-tui binary (default: next to aster-bench).")
        var binary: String?
        @Option(help: "Runs of each measurement (the median is shown).")
        var runs: Int = 3
        func validate() throws {
            guard frames > 0, runs > 0 else { throw ValidationError("--frames and --runs must be positive") }
        }
        func run() async throws {
            try await CLIBench.run(frames: frames, binary: binary, runs: runs)
        }
    }

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Signed orders per second the simulator accepts and matches from concurrent AsterKit trading clients.")
        @OptionGroup var timing: TimingOptions
        @Option(help: "Concurrent clients, each with an account of its own.")
        var clients: Int = 8
        @Option(help: "Signing: v1 (HMAC), v3 (agent wallet) or both.")
        var signing: String = "both"
        func validate() throws {
            guard (1...256).contains(clients) else { throw ValidationError("--clients takes 1 to 256") }
            guard signing == "both" || OrdersBench.Signing(rawValue: signing) != nil else {
                throw ValidationError("--signing takes v1, v3 or both")
            }
        }
        func run() async throws {
            let signings = OrdersBench.Signing(rawValue: signing).map { [$0] } ?? OrdersBench.Signing.allCases
            try await OrdersBench.run(clients: clients, seconds: max(timing.seconds, 3), signings: signings)
        }
    }

    struct SimEngine: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The simulator's market engine alone.")
        @OptionGroup var timing: TimingOptions
        @OptionGroup var rates: RateOptions
        func run() {
            for rate in rates.rates ?? [600_000] {
                let e = StreamBench.engine(rate: rate, seconds: timing.seconds)
                print(String(format: "engine alone at %d/s: %.2f ms CPU per 10 ms tick (%.0f%% of one core); the model offers %@ frames/s",
                             rate, e.cpuPerTick * 1e3, e.cpuPerTick / 0.01 * 100, format(e.framesPerSecond)))
            }
        }
    }

    struct FeedClient: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The AsterKit client alone on a feed URL (for profiling).")
        @Argument(help: "ws://127.0.0.1:PORT/ws/btcusdt@aggTrade?rate=N")
        var url: String
        @OptionGroup var timing: TimingOptions
        @Option(help: "Delivery interval in microseconds.")
        var deliveryUs: Int?
        func validate() throws {
            guard url.hasPrefix("ws://") else { throw ValidationError("the URL must start with ws://") }
        }
        func run() async throws {
            let r = try await FeedBench.asterKit(url: url, seconds: timing.seconds,
                                                 deliveryInterval: deliveryUs.map { .microseconds($0) })
            print("\(format(r.framesPerSecond)) frames/s | p50 \(FeedBench.ms(r.p50)) | p99 \(FeedBench.ms(r.p99)) | CPU \(FeedBench.us(r.cpuMicrosPerFrame)) per frame | missed \(r.missed)")
        }
    }

    struct FeedServer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serves /ws/x?rate=N paced aggTrade frames; prints PORT n (used by `feed`).")
        func run() async throws { try await FeedBench.serve() }
    }

    struct All: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "decode, book and stream in turn (several minutes).")
        @OptionGroup var timing: TimingOptions
        func run() async throws {
            DecodeBench.run(seconds: timing.seconds)
            BookBench.run(seconds: timing.seconds)
            try await StreamBench.run(seconds: max(timing.seconds, 3))
        }
    }
}
