import AsterKit
import AsterSim
import Foundation
import Synchronization
import Testing

// Helpers shared by the test targets: simulators, waits, paths, the built binary, tmux.

/// Runs a simulator for the duration of `body`.
public func withSimulator<T: Sendable>(
    _ configuration: SimConfiguration = SimConfiguration(seed: 9, rate: 20_000),
    _ body: @escaping @Sendable (SimServer, Int) async throws -> T
) async throws -> T {
    let server = SimServer(configuration: configuration)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            // A server that stops before it served (it failed to start) ends the wait for its port.
            defer { continuation.finish() }
            try await server.run { port in continuation.yield(port) }
            return nil
        }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else {
            // The server ended without a port: its error (or a plain "stopped") fails the test.
            while let _ = try await group.next() {}
            throw SimulatorStoppedError()
        }
        let result = try await body(server, port)
        group.cancelAll()
        return result
    }
}

/// The simulator stopped before it bound its port, without an error of its own.
public struct SimulatorStoppedError: Error, CustomStringConvertible {
    public var description: String { "the simulator stopped before it served" }
}

/// Polls `condition` until it holds or the time is up (then records an issue).
public func waitUntil(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition not met within \(timeout)")
    throw CancellationError()
}

/// Every stream the simulator serves for `symbols`, except the random liquidation streams.
public func simulatorStreams(symbols: [String]) -> [StreamName] {
    var out: [StreamName] = [.allTickers, .allMiniTickers, .allBookTickers, .allMarkPrices(everySecond: false),
                             .allMarkPrices(everySecond: true)]
    for symbol in symbols.map({ $0.lowercased() }) {
        out += [.aggTrade(symbol: symbol), .bookTicker(symbol: symbol), .miniTicker(symbol: symbol), .ticker(symbol: symbol),
                .markPrice(symbol: symbol, everySecond: true), .markPrice(symbol: symbol, everySecond: false)]
        for speed in StreamName.DepthSpeed.allCases {
            out.append(.diffDepth(symbol: symbol, speed: speed))
            for levels in StreamName.DepthLevels.allCases { out.append(.partialDepth(symbol: symbol, levels: levels, speed: speed)) }
        }
        for interval in KlineInterval.allCases { out.append(.kline(symbol: symbol, interval: interval)) }
    }
    return out
}

public actor StreamSet {
    public private(set) var names: Set<String> = []
    public init() {}
    public var count: Int { names.count }
    public func insert(_ name: String) { names.insert(name) }
    public func contains(_ name: String) -> Bool { names.contains(name) }
    public func clear() { names = [] }
}

public func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-replay-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// Every event of a replay, played to its end through the client.
public func replayed(_ source: ReplaySource) async throws -> [StreamEvent] {
    let client = StreamClient(replay: source, bufferLimit: 1_000_000)
    let events = client.events()
    try await client.run()
    var out: [StreamEvent] = []
    for await event in events { out.append(event) }
    return out
}

public func messages(_ events: some AsyncSequence<StreamEvent, Never>, count: Int) async -> [StreamMessage] {
    var out: [StreamMessage] = []
    for await event in events {
        if case .message(let m) = event { out.append(m) }
        if out.count == count { break }
    }
    return out
}

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    public var async: AsyncStream<Element> {
        AsyncStream { c in
            for e in self { c.yield(e) }
            c.finish()
        }
    }
}

/// Streams that give `count` distinct valid names over the simulator's symbols plus extras.
public func manyStreams(_ count: Int) -> (symbols: [SimSymbol], streams: [StreamName]) {
    let symbols = SimSymbol.defaults + (0..<4).map {
        SimSymbol(name: "EXTRA\($0)USDT", startPrice: ExactDecimal(100 + $0), tickSize: ExactDecimal(mantissa: 1, scale: 2),
                  lotSize: ExactDecimal(mantissa: 1, scale: 1))
    }
    return (symbols, Array(simulatorStreams(symbols: symbols.map(\.name)).prefix(count)))
}

public struct Unexpected: Error {
    public init() {}
}

/// A REST fixture from the spec (scripts/extract_fixtures.py, under Fixtures/rest).
public func restFixture(_ name: String) throws -> Any {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/rest"))
    return try JSONSerialization.jsonObject(with: Data(try String(contentsOf: url, encoding: .utf8).utf8), options: [.fragmentsAllowed])
}

/// The spec's order examples are trailing-stop orders; only those carry `activatePrice` and `priceRate`.
public func withoutTrailingStop(_ value: Any) -> Any {
    if var o = value as? [String: Any] {
        o["activatePrice"] = nil
        o["priceRate"] = nil
        return o
    }
    if let a = value as? [Any] { return a.map(withoutTrailingStop) }
    return value
}

/// The spec's payload examples, each wrapped as the combined endpoint sends it.
public func wrappedFixtureFrames() throws -> [(stream: String, frame: String)] {
    let streams: [String: String] = [
        "aggTrade": "btcusdt@aggTrade", "markPrice": "btcusdt@markPrice", "markPriceArr": "!markPrice@arr",
        "kline": "btcusdt@kline_1m", "miniTicker": "btcusdt@miniTicker", "miniTickerArr": "!miniTicker@arr",
        "ticker": "btcusdt@ticker", "tickerArr": "!ticker@arr", "bookTicker": "bnbusdt@bookTicker",
        "forceOrder": "btcusdt@forceOrder", "forceOrderArr": "!forceOrder@arr", "depthPartial": "btcusdt@depth5",
        "depthDiff": "btcusdt@depth", "orderTradeUpdate": "listenKey", "accountUpdate": "listenKey",
        "marginCall": "listenKey", "accountConfigLeverage": "listenKey", "accountConfigInfo": "listenKey",
        "listenKeyExpired": "listenKey", "announcementPublic": "listenKey", "announcementDirect": "listenKey",
    ]
    var out: [(String, String)] = []
    for name in allFixtureNames where streams[name] != nil {
        let payload = try fixture(name).trimmingCharacters(in: .whitespacesAndNewlines)
        out.append((streams[name]!, #"{"stream":"\#(streams[name]!)","data":\#(payload)}"#))
    }
    out.append(("btcusdt@tradepro", try fixture("tradePro")))
    return out
}

/// The built `aster-tui` next to the test bundle.
public func asterTUIBinary() throws -> URL {
    let url = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("aster-tui")
    try #require(FileManager.default.isExecutableFile(atPath: url.path), "build aster-tui first: \(url.path)")
    return url
}

/// An account client for the simulator's demo account.
public func demoAccount(port: Int, secret: String = SimAccount.demoSecret, apiKey: String = SimAccount.demoAPIKey) -> AccountClient {
    AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)", configuration: RESTConfiguration(maxRetries: 0)),
                  credentials: .hmac(apiKey: apiKey, secret: Secret(secret)))
}

public func serverCode(_ error: any Error) -> Int? {
    if case .server(_, let code, _)? = (error as? RESTError)?.kind { return code }
    return nil
}

/// Drives the real `aster-tui --demo` in a detached tmux session, as a person would.
public struct TmuxSession: Sendable {
    public init() {}

    public let name = "aster-test-\(UUID().uuidString.prefix(8))"

    /// Runs one tmux command; a failing one (no such session, no server) throws with tmux's own
    /// words, so a test says why instead of reading an empty screen.
    public func tmux(_ arguments: [String]) async throws -> String {
        let result = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["tmux"] + arguments, timeout: .seconds(10))
        guard result.status == 0 else { throw TmuxError(arguments: arguments, status: result.status, stderr: result.stderr) }
        return result.stdout
    }

    /// Starts the session. A tmux server that is exiting (the previous test killed the last
    /// session a moment ago) refuses it with "server exited unexpectedly": tried again, a new
    /// server starts.
    public func start(_ command: String, width: Int, height: Int) async throws {
        var attempt = 1
        while true {
            do {
                _ = try await tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command])
                return
            } catch is TmuxError where attempt < 5 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    public func screen() async throws -> String { try await tmux(["capture-pane", "-p", "-t", name]) }

    public func keys(_ keys: String...) async throws { _ = try await tmux(["send-keys", "-t", name] + keys) }

    /// Sends these keys (tmux key names or characters) in one `send-keys`.
    public func keys(contentsOf keys: [String]) async throws { _ = try await tmux(["send-keys", "-t", name] + keys) }

    public func resize(_ width: Int, _ height: Int) async throws {
        _ = try await tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    public func kill() async { _ = try? await tmux(["kill-session", "-t", name]) }

    /// Waits until the screen satisfies `condition`; returns the last screen either way.
    @discardableResult
    public func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await screen()
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("timed out waiting for \(what); screen:\n\(last)")
        return last
    }
}

public struct TmuxError: Error, CustomStringConvertible {
    public var arguments: [String]
    public var status: Int32
    public var stderr: String
    public var description: String { "tmux \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
}

public func tmuxAvailable() -> Bool {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")
}

/// Demo V1 credentials in a 0600 file, for the CLI and the dashboard.
public func demoCredentialsFile() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("aster-demo-\(UUID().uuidString).env").path
    try "ASTER_API_KEY=\(SimAccount.demoAPIKey)\nASTER_API_SECRET=\(SimAccount.demoSecret)\n".write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    return path
}

/// Collects values from a task, for assertions while it runs.
public final class Collected<T: Sendable>: Sendable {
    private let values = Mutex<[T]>([])
    public init() {}
    public var all: [T] { values.withLock { $0 } }
    public var count: Int { values.withLock { $0.count } }
    public func append(_ value: T) { values.withLock { $0.append(value) } }
}

/// A JSON text parsed (test input the test wrote or a program printed); `NSNull` when unreadable.
public func parse(_ text: String) -> Any {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? NSNull()
}
