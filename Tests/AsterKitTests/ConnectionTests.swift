import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import NIOSSL
import Testing


@Suite("Live connections against the simulator", .serialized, .timeLimit(.minutes(3)))
struct ConnectionTests {
    @Test("SUBSCRIBE and LIST_SUBSCRIPTIONS are matched to their replies; an error reply throws")
    func replies() async throws {
        try await withSimulator { _, port in
            let stream = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")])
            try await withRunning(stream) {
            try await waitUntil { (try? await stream.listSubscriptions()) != nil }
            try await stream.subscribe([.bookTicker(symbol: "ethusdt")])
            #expect(try await stream.listSubscriptions() == ["btcusdt@aggTrade", "ethusdt@bookTicker"])
            let rtt = try #require(stream.statistics.roundTrip)
            #expect(rtt > .zero && rtt < .seconds(5))
            try await stream.unsubscribe([.aggTrade(symbol: "btcusdt")])
            #expect(try await stream.listSubscriptions() == ["ethusdt@bookTicker"])
            // A request the server refuses throws its error, matched by id.
            await #expect(throws: ServerError.self) {
                _ = try await stream.send(method: .subscribe, params: [.string("not a stream")])
            }
            }
        }
    }

    @Test("never more than 10 outbound messages a second: 25 requests in a row keep the connection open")
    func outboundRateLimit() async throws {
        try await withSimulator { _, port in
            let stream = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")])
            try await withRunning(stream) {
            try await waitUntil { (try? await stream.listSubscriptions()) != nil }
            let started = ContinuousClock.now
            let intervals = KlineInterval.allCases
            for i in 0..<25 {
                let symbol = SimSymbol.defaults[i % 10].name.lowercased()
                try await stream.subscribe([.kline(symbol: symbol, interval: intervals[i % intervals.count])])
            }
            #expect(ContinuousClock.now - started >= .seconds(1.5), "requests must have been spread out")
            #expect(try await stream.listSubscriptions().count == 26)
            #expect(stream.statistics.reconnects == 0)
            }
        }
    }

    @Test("subscriptions survive a reconnect")
    func resubscribeAfterReconnect() async throws {
        try await withSimulator { server, port in
            let stream = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")],
                                      configuration: StreamConfiguration(backoff: Backoff(initial: .milliseconds(50))))
            let seen = StreamSet()
            let events = stream.events()
            let consumer = Task {
                for await event in events {
                    if case .message(let m) = event, let name = m.stream { await seen.insert(name) }
                }
            }
            defer { consumer.cancel() }
            try await withRunning(stream) {
            try await waitUntil { (try? await stream.listSubscriptions()) != nil }
            try await stream.subscribe([.bookTicker(symbol: "ethusdt")])
            server.disconnectAll()
            try await waitUntil { stream.statistics.reconnects >= 1 }
            try await waitUntil { (try? await stream.listSubscriptions()) == ["btcusdt@aggTrade", "ethusdt@bookTicker"] }
            await seen.clear()
            try await waitUntil { await seen.contains("ethusdt@bookTicker") } ; try await waitUntil { await seen.contains("btcusdt@aggTrade") }
            }
        }
    }

    @Test("450 streams over 3 connections, every stream delivering")
    func sharding() async throws {
        let symbols = SimSymbol.defaults + (0..<4).map {
            SimSymbol(name: "EXTRA\($0)USDT", startPrice: ExactDecimal(100 + $0), tickSize: ExactDecimal(mantissa: 1, scale: 2),
                      lotSize: ExactDecimal(mantissa: 1, scale: 1))
        }
        let streams = Array(simulatorStreams(symbols: symbols.map(\.name)).prefix(450))
        #expect(streams.count == 450)
        try await withSimulator(SimConfiguration(seed: 3, rate: 30_000, symbols: symbols)) { _, port in
            let sharded = StreamClient(base: "ws://127.0.0.1:\(port)", streams: streams)
            #expect(sharded.connectionCount == 3)
            #expect(sharded.streams.map(\.count) == [200, 200, 50])
            let seen = StreamSet()
            let events = sharded.events()
            let consumer = Task {
                for await event in events {
                    if case .message(let m) = event, let name = m.stream { await seen.insert(name) }
                }
            }
            defer { consumer.cancel() }
            try await withRunning(sharded) {
                try await waitUntil(timeout: .seconds(40)) { await seen.count >= 450 }
                #expect(await seen.names == Set(streams.map(\.name)))
            }
        }
    }
}



@Suite("Backoff")
struct BackoffTests {
    @Test("the first retry comes within the initial delay, later ones double up to the cap, with jitter")
    func delays() {
        let b = Backoff(initial: .milliseconds(500), maximum: .seconds(30))
        #expect(b.delay(attempt: 1, random: 1) == .milliseconds(500))
        #expect(b.delay(attempt: 1, random: 0) == .milliseconds(250))
        #expect(b.delay(attempt: 2, random: 1) == .seconds(1))
        #expect(b.delay(attempt: 7, random: 1) == .seconds(30))
        #expect(b.delay(attempt: 40, random: 1) == .seconds(30))
        #expect(b.delay(attempt: 40, random: 0) == .seconds(15))
    }

    @Test("a server that drops every connection at once is not hammered: delays grow")
    func growing() async throws {
        try await withObservedStream(SimConfiguration(seed: 9, rate: 2_000, maxConnectionAge: .milliseconds(150))) { _, _, log in
            try await waitUntil { await log.reconnecting >= 4 }
            let delays = await log.states.compactMap { if case .reconnecting(_, let d) = $0 { d } else { nil } }
            #expect(delays.last! > .milliseconds(200), "\(delays)")
        }
    }
}

@Suite("TLS (wss://)", .serialized, .timeLimit(.minutes(3)))
struct TLSTests {
    /// A self-signed certificate for 127.0.0.1, made by openssl.
    func certificate(in dir: URL) async throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let made = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-keyout", key, "-out", cert,
            "-days", "1", "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        try #require(made.status == 0, "openssl: \(made.stderr)")
        return (cert, key)
    }

    @Test("wss:// to a TLS server: events flow with its certificate trusted; an untrusted one is refused and reported")
    func wss() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (certPath, keyPath) = try await certificate(in: dir)
        let certificate = try NIOSSLCertificate.fromPEMFile(certPath)
        var configuration = SimConfiguration(seed: 12, rate: 5_000)
        configuration.tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificate.map { .certificate($0) }, privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        try await withSimulator(configuration) { _, port in
            var trusted = TLSConfiguration.makeClientConfiguration()
            trusted.trustRoots = .certificates(certificate)
            var settings = StreamConfiguration()
            settings.tlsConfiguration = trusted
            let client = StreamClient(base: "wss://localhost:\(port)", streams: [.aggTrade(symbol: "btcusdt")], configuration: settings)
            let trades = Collected<AggregateTrade>()
            let feed = client.aggregateTrades()
            let task = Task { for await t in feed { trades.append(t) } }
            try await withRunning(client) { try await waitUntil { trades.count >= 10 } }
            await task.value

            // The system trust roots do not know a self-signed certificate.
            let untrusted = StreamClient(url: "wss://localhost:\(port)/ws/btcusdt@aggTrade", configuration: StreamConfiguration(reconnect: false))
            let events = untrusted.events()
            try await untrusted.run()
            var reasons: [String] = []
            for await event in events {
                if case .state(let u) = event, case .disconnected(let reason) = u.state { reasons.append(reason) }
                if case .message = event { Issue.record("an untrusted certificate was accepted") }
            }
            #expect(reasons.count == 1 && ["certificate", "SSL", "TLS"].contains { reasons[0].contains($0) }, "\(reasons)")
        }
    }
}
