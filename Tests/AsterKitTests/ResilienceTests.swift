import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

/// Collects a MarketStream's events while `body` disturbs the simulator.
actor EventLog {
    var states: [ConnectionState] = []
    var messages = 0
    var failures = 0
    var lastMessageAt = ContinuousClock.now
    var depthLevels: [Int] = []

    func record(_ event: StreamEvent) {
        switch event {
        case .state(let u): states.append(u.state)
        case .decodeFailure: failures += 1
        case .message(let m):
            messages += 1
            lastMessageAt = .now
            if case .depth(let d) = m.event { depthLevels.append(d.bids.count) }
        }
    }
    var reconnecting: Int { states.filter { if case .reconnecting = $0 { true } else { false } }.count }
    var disconnectReasons: [String] { states.compactMap { if case .disconnected(let r) = $0 { r } else { nil } } }
    var stale: Bool { states.contains(.stale) }
}

func withObservedStream(
    _ configuration: SimConfiguration = SimConfiguration(seed: 5, rate: 5_000),
    staleTimeout: Duration? = nil,
    _ body: @escaping @Sendable (SimServer, StreamClient, EventLog) async throws -> Void
) async throws {
    try await withSimulator(configuration) { server, port in
        let stream = StreamClient(base: "ws://127.0.0.1:\(port)",
                                  streams: [.aggTrade(symbol: "btcusdt"), .bookTicker(symbol: "btcusdt")],
                                  configuration: StreamConfiguration(staleTimeout: staleTimeout,
                                                                     backoff: Backoff(initial: .milliseconds(100))))
        let log = EventLog()
        let events = stream.events()
        let consumer = Task { for await event in events { await log.record(event) } }
        try await withRunning(stream) {
            try await waitUntil { await log.messages > 5 }
            try await body(server, stream, log)
        }
        await consumer.value
    }
}

@Suite("Resilience against a misbehaving server", .serialized, .timeLimit(.minutes(3)))
struct ResilienceTests {
    @Test("an abrupt TCP drop (no close frame) reconnects and events flow again")
    func abruptDrop() async throws {
        try await withObservedStream { server, stream, log in
            server.inject([.drop])
            try await waitUntil { await log.reconnecting >= 1 }
            let before = await log.messages
            try await waitUntil { await log.messages > before + 5 }
            #expect(stream.statistics.reconnects >= 1)
        }
    }

    @Test("a server close code is reported with the reason, then reconnects")
    func closeCode() async throws {
        try await withObservedStream { server, _, log in
            server.inject([.close(code: 1008, reason: "policy test")])
            try await waitUntil { await log.reconnecting >= 1 }
            #expect(await log.disconnectReasons.contains { $0.contains("policy test") })
            let before = await log.messages
            try await waitUntil { await log.messages > before + 5 }
        }
    }

    @Test("a silent stall with the socket open trips the watchdog and reconnects")
    func stall() async throws {
        try await withObservedStream(staleTimeout: .milliseconds(800)) { server, _, log in
            server.setStalled(true)
            try await waitUntil { await log.stale }
            server.setStalled(false)
            let before = await log.messages
            try await waitUntil { await log.messages > before + 5 }
            #expect(await log.reconnecting >= 1)
        }
    }

    @Test("garbage and binary frames between valid ones are counted; every valid event still arrives")
    func garbage() async throws {
        try await withObservedStream(SimConfiguration(seed: 6, rate: 5_000, garbageEvery: 3)) { _, stream, log in
            try await waitUntil { await log.failures >= 10 }
            try await waitUntil { await log.messages >= 30 }
            #expect(await log.reconnecting == 0)
            #expect(stream.statistics.decodeErrors >= 10)
            // Malformed (two in four) + binary (one in four); the unknown event decodes as .unknown.
            let messages = await log.messages
            let failures = await log.failures
            #expect(messages >= failures)
        }
    }

    @Test("a 4.5 MiB frame is accepted")
    func hugeFrame() async throws {
        try await withObservedStream { server, _, log in
            let levels = (0..<240_000).map { #"["\#(90_000 + $0).5","1.25"]"# }.joined(separator: ",")
            let frame = #"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"T":1,"s":"ETHUSDT","U":1,"u":2,"pu":0,"b":[\#(levels)],"a":[]}}"#
            #expect(frame.utf8.count > 4 << 20)
            server.inject([.text(frame)])
            try await waitUntil { await log.depthLevels.contains(240_000) }
            #expect(await log.reconnecting == 0)
        }
    }

    @Test("server pings are answered: a server pinging every 200 ms (and closing on a missing pong) keeps the connection")
    func pings() async throws {
        try await withObservedStream(SimConfiguration(seed: 8, rate: 2_000, pingInterval: .milliseconds(200))) { _, stream, log in
            try await Task.sleep(for: .seconds(2))   // ten pings
            let reasons = await log.disconnectReasons
            #expect(reasons.isEmpty, "\(reasons)")
            #expect(stream.statistics.reconnects == 0)
        }
    }

    @Test("connections closed at their age limit are re-opened, and events keep flowing")
    func ageLimit() async throws {
        try await withObservedStream(SimConfiguration(seed: 7, rate: 5_000, maxConnectionAge: .milliseconds(700))) { _, _, log in
            try await waitUntil { await log.reconnecting >= 2 }
            #expect(await log.disconnectReasons.contains { $0.contains("age limit") })
            let before = await log.messages
            try await waitUntil { await log.messages > before + 5 }
        }
    }
}
