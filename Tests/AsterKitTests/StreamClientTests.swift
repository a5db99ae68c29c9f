@testable import AsterKit
import AsterTestSupport
import AsterSim
import Foundation
import Synchronization
import Testing


@Suite("StreamClient: typed feeds, many consumers, rollover", .serialized, .timeLimit(.minutes(3)))
struct StreamClientTests {
    @Test("typed feeds: every consumer sees its kind independently, arrays are split into elements")
    func typedFeeds() async throws {
        try await withSimulator(SimConfiguration(seed: 31, rate: 5_000)) { _, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)",
                                      streams: [.aggTrade(symbol: "btcusdt"), .bookTicker(symbol: "btcusdt"),
                                                .allMarkPrices(everySecond: true), .kline(symbol: "btcusdt", interval: .oneMinute)])
            let tradesA = Collected<AggregateTrade>(), tradesB = Collected<AggregateTrade>()
            let tops = Collected<BookTicker>(), marks = Collected<MarkPriceUpdate>(), states = Collected<ConnectionState>()
            let klines = Collected<KlineEvent>()
            let feedA = client.aggregateTrades(), feedB = client.aggregateTrades()
            let tasks = [
                Task { for await t in feedA { tradesA.append(t) } },
                Task { for await t in feedB { tradesB.append(t) } },
                Task { for await t in client.bookTickers() { tops.append(t) } },
                Task { for await m in client.markPrices() { marks.append(m) } },
                Task { for await k in client.klines() { klines.append(k) } },
                Task { for await s in client.states() { states.append(s.state) } },
            ]
            defer { tasks.forEach { $0.cancel() } }
            let running = Task { try await client.run() }
            try await waitUntil { tradesA.count > 50 && tops.count > 20 && marks.count >= 10 && klines.count > 0 }
            running.cancel(); _ = await running.result
            for task in tasks { await task.value }
            // Two consumers of one kind each get the whole sequence.
            let a = tradesA.all.map(\.aggregateTradeId), b = tradesB.all.map(\.aggregateTradeId)
            #expect(a == b || a.starts(with: b) || b.starts(with: a))
            #expect(tradesA.all.allSatisfy { $0.symbol == "BTCUSDT" })
            #expect(tops.all.allSatisfy { $0.symbol == "BTCUSDT" })
            // `!markPrice@arr@1s` arrives as arrays; the feed hands out single updates of every symbol.
            #expect(Set(marks.all.map(\.symbol)).count >= 10)
            #expect(states.all.first == .connecting && states.all.contains(.connected))
            #expect(states.all.contains(.subscribed(streams: 4)))
            #expect(states.all.last == .stopped)
            #expect(feedA.dropped == 0 && client.statistics.dropped == 0)
            #expect(client.statistics.frames > 0)
        }
    }

    @Test("a slow consumer loses only its own oldest elements, counted; a fast one loses nothing")
    func slowConsumer() async throws {
        try await withSimulator(SimConfiguration(seed: 32, rate: 20_000)) { _, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt"), .aggTrade(symbol: "ethusdt")])
            let slow = client.aggregateTrades(bufferLimit: 5)
            let fast = Collected<Int64>()
            let fastTask = Task { for await t in client.aggregateTrades() { fast.append(t.aggregateTradeId) } }
            let running = Task { try await client.run() }
            try await waitUntil { fast.count > 300 }
            // The slow consumer never read: it keeps its newest five, and counted the rest.
            #expect(slow.dropped > 0)
            #expect(client.statistics.dropped == slow.dropped)
            var kept = 0
            running.cancel(); _ = await running.result
            for await _ in slow { kept += 1 }
            #expect(kept == 5)
            await fastTask.value
            #expect(fast.count > 300)
        }
    }

    @Test("rollover before the age limit: a fresh connection takes over with no gap and no duplicate")
    func rollover() async throws {
        // The server closes connections at 2.5 s; the client rolls over at 1 s, so the server
        // never has to: every aggregate trade id follows its predecessor exactly.
        try await withSimulator(SimConfiguration(seed: 33, rate: 3_000, maxConnectionAge: .milliseconds(2_500))) { _, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")],
                                      configuration: StreamConfiguration(rolloverAfter: .seconds(1)))
            let ids = Collected<Int64>(), states = Collected<ConnectionState>()
            let trades = client.aggregateTrades(), stateFeed = client.states()
            let tasks = [Task { for await t in trades { ids.append(t.aggregateTradeId) } },
                         Task { for await s in stateFeed { states.append(s.state) } }]
            let running = Task { try await client.run() }
            try await waitUntil(timeout: .seconds(30)) { states.all.filter { $0 == .rolledOver }.count >= 3 && ids.count > 100 }
            let seenAt = ids.count
            try await waitUntil { ids.count > seenAt + 20 }
            running.cancel(); _ = await running.result
            for task in tasks { await task.value }
            let all = ids.all
            #expect(Set(all).count == all.count, "no duplicates")
            let gaps = zip(all, all.dropFirst()).filter { $1 != $0 + 1 }
            #expect(gaps.isEmpty, "gaps or reordering at \(gaps.prefix(5))")
            #expect(client.statistics.reconnects == 0, "a rollover is not a reconnect")
            #expect(!states.all.contains { if case .disconnected = $0 { true } else { false } })
        }
    }

    @Test("without rollover the server's age limit forces reconnects (the contrast)")
    func ageLimitWithoutRollover() async throws {
        try await withSimulator(SimConfiguration(seed: 34, rate: 3_000, maxConnectionAge: .milliseconds(800))) { _, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: [.aggTrade(symbol: "btcusdt")],
                                      configuration: StreamConfiguration(backoff: Backoff(initial: .milliseconds(50)), rolloverAfter: nil))
            let trades = client.aggregateTrades()
            let task = Task { for await _ in trades {} }
            let running = Task { try await client.run() }
            try await waitUntil { client.statistics.reconnects >= 2 }
            running.cancel(); _ = await running.result
            await task.value
        }
    }

    @Test("a replay feeds the same typed sequences, from a gzip file too")
    func replayFeeds() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = try wrappedFixtureFrames().map(\.frame)
        let plain = dir.appendingPathComponent("frames.txt")
        // The fixtures are pretty-printed over several lines: `;;` separates them, as other recorders do.
        try frames.joined(separator: ";;\n").write(to: plain, atomically: true, encoding: .utf8)
        let gzip = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["gzip", "-k", plain.path])
        try #require(gzip.status == 0, "gzip: \(gzip.stderr)")
        for path in [plain.path, plain.path + ".gz"] {
            let client = StreamClient(replay: ReplaySource(paths: [path]))
            let marks = client.markPrices(), users = client.userEvents(), all = client.messages()
            async let markCount = marks.reduce(0) { n, _ in n + 1 }
            async let userKinds = users.reduce(into: Set<String>()) { $0.insert($1.eventType ?? "?") }
            async let messageCount = all.reduce(0) { n, _ in n + 1 }
            try await client.run()
            // One single mark price plus the all-market array's elements.
            let markFixture = try EventDecoder().decode(try fixture("markPriceArr")).event
            guard case .markPrices(let arr) = markFixture else { Issue.record("fixture"); return }
            #expect(await markCount == 1 + arr.count, "\(path)")
            #expect(await userKinds.isSuperset(of: ["ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE", "MARGIN_CALL", "listenKeyExpired"]))
            #expect(await messageCount == frames.count)
        }
    }

    @Test("a corrupt or truncated gzip file is a clear replay error")
    func corruptGzip() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aster-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("frames.txt")
        try String(repeating: #"{"e":"aggTrade","E":1}"# + "\n", count: 2_000).write(to: plain, atomically: true, encoding: .utf8)
        _ = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["gzip", plain.path])
        let whole = try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz"))
        #expect(try await ReplaySource(paths: [plain.path + ".gz"]).frames().count == 2_000)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let truncated = dir.appendingPathComponent("truncated.gz")
        try whole.prefix(whole.count / 2).write(to: truncated)
        let garbage = dir.appendingPathComponent("garbage.gz")
        try Data([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00, 0x12]).write(to: garbage)
        for path in [truncated.path, garbage.path] {
            await #expect(throws: ReplayError.self, "\(path)") { _ = try await ReplaySource(paths: [path]).frames().count }
        }
    }

    @Test("rates: frames and bytes per second over a sliding window")
    func rateMeter() {
        let meter = RateMeter(window: .seconds(1))
        let t0 = ContinuousClock.now
        var s = StreamStatistics()
        #expect(meter.rates(s, at: t0) == StreamRates())
        s.frames = 500
        s.bytes = 50_000
        let r = meter.rates(s, at: t0 + .milliseconds(500))
        #expect(r.framesPerSecond == 1_000 && r.bytesPerSecond == 100_000)
        s.frames = 2_500
        s.bytes = 250_000
        let later = meter.rates(s, at: t0 + .milliseconds(2_500))
        // The base is now the reading at 0.5 s (the newest at least a second old).
        #expect(later.framesPerSecond == 1_000)
    }
}
