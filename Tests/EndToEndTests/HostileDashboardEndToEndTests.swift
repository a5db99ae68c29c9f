import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Testing

/// A hostile exchange on loopback: its websocket sends mutated spec payloads (extreme numbers,
/// exponent forms, wrong types, cut frames, the 1e17 liquidation) in a loop until the client
/// leaves, answering live requests meanwhile; its REST answers klines and exchangeInfo with
/// extreme and broken values.
struct HostileServer: Sendable {
    let frames: [String]
    let interval: Duration
    let klines: String
    let exchangeInfo: String

    func run<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let frames = self.frames
        let interval = self.interval
        let router = Router()
        for version in ["fapi/v1", "fapi/v3"] {
            for (endpoint, text) in [("klines", klines), ("exchangeInfo", exchangeInfo)] {
                router.get(RouterPath(stringLiteral: "\(version)/\(endpoint)")) { _, _ -> Response in
                    Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
                }
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let connections = ConnectionRegistry()
        var logger = Logger(label: "hostile-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            server: connections.webSocketServer(configuration: .init(ws: .init(maxFrameSize: 16 << 20))) { request, _, _ in
                guard (request.path ?? "").hasPrefix("/ws/") || (request.path ?? "").hasPrefix("/stream") else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            var i = 0
                            while !Task.isCancelled {
                                try await outbound.write(.text(frames[i % frames.count]))
                                i += 1
                                try await Task.sleep(for: interval)
                            }
                        }
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            try await outbound.write(.text(LiveRequestResponder.reply(to: text, subscriptions: [])))
                        }
                        group.cancelAll()
                    }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            group.addTask {
                await connections.closeAllWhenCancelled()
                return nil
            }
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else { throw CancellationError() }
            do {
                let result = try await body(port)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// The frames: seeded mutations of every spec payload, the 1e17 liquidation and products past
    /// the decimal range, interleaved with plain trades so the panes keep drawing.
    static func make(count: Int, seed: UInt64) throws -> HostileServer {
        let fixtures = try allFixtureNames.map { (name: $0, text: try fixture($0)) }
        var generator = HostileFrames(fixtures: fixtures, seed: seed)
        var frames: [String] = []
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for i in 0..<count {
            switch i % 10 {
            case 0: frames.append(HostileFrameRegressionTests.liquidation(price: "1e17", quantity: "1000"))
            case 1: frames.append(HostileFrameRegressionTests.liquidation(price: "9999999999999999", quantity: "9999999999999999"))
            case 2:
                frames.append(#"{"e":"aggTrade","E":\#(now),"s":"BTCUSDT","a":\#(i),"p":"9999999999999999","q":"9999999999999999","#
                              + #""f":1,"l":1,"T":\#(now),"m":true}"#)
            default: frames.append(String(decoding: generator.next().bytes, as: UTF8.self))
            }
        }
        // Klines: extreme and broken rows (the chart scales to them), exchangeInfo: a broken symbol.
        var rows: [String] = []
        for i in 0..<60 {
            let t = now - Int64(60 - i) * 60_000
            let high = i % 7 == 0 ? "9999999999999999" : "100"
            let low = i % 5 == 0 ? "-9999999999999999" : "90"
            rows.append(#"[\#(t),"95","\#(high)","\#(low)","99","\#(i % 3 == 0 ? "9999999999999999" : "5")",\#(t + 59_999),"1",1,"1","1","0"]"#)
        }
        rows.append(#"[1,"1e17","x"]"#)
        var info = try #require(try restFixture("exchangeInfo") as? [String: Any])
        var symbols = try #require(info["symbols"] as? [[String: Any]])
        symbols[0]["symbol"] = "BTCUSDT"
        symbols.append(["symbol": "BROKEN"])
        info["symbols"] = symbols
        return HostileServer(frames: frames, interval: .milliseconds(4), klines: "[" + rows.joined(separator: ",") + "]",
                             exchangeInfo: try jsonText(info))
    }
}

@Suite("Dashboard end to end against a hostile server", .serialized, .timeLimit(.minutes(3)))
struct HostileDashboardEndToEndTests {
    @Test("aster-tui in tmux takes 15 s of hostile frames and REST answers, keeps drawing, and quits with q, status 0")
    func hostileServer() async throws {
        try #require(tmuxAvailable(), "tmux is required (installed by .ci/run)")
        let binary = try asterTUIBinary().path
        let server = try HostileServer.make(count: 4_000, seed: 0x5EED_0017)
        try await server.run { port in
            let session = TmuxSession()
            defer { Task { await session.kill() } }
            let config = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(session.name).toml").path
            try "".write(toFile: config, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: config) }
            try await session.start("\(binary) --url ws://127.0.0.1:\(port) --rest-url http://127.0.0.1:\(port) --symbol BTCUSDT "
                                    + "--config \(config); echo EXITED:$?; sleep 30", width: 120, height: 40)
            try await session.waitFor("the dashboard drawing hostile data") { s in s.contains("LIVE") && s.contains("bad ") }
            let started = ContinuousClock.now
            var screen = ""
            while ContinuousClock.now - started < .seconds(15) {
                try await Task.sleep(for: .seconds(1))
                screen = try await session.screen()
                #expect(!screen.contains("EXITED"), "the dashboard died:\n\(screen)")
                if screen.contains("EXITED") { return }
            }
            #expect(screen.contains("Liquidations") && screen.contains("Book BTCUSDT"), "\(screen)")
            // Warnings (REST elements left out) go to the log, never onto the screen.
            #expect(!screen.contains("AsterKit") && !screen.contains("left out"), "\(screen)")
            try await session.keys("q")
            let after = try await session.waitFor("clean exit") { $0.contains("EXITED:") }
            #expect(after.contains("EXITED:0"), "\(after)")
        }
    }
}
