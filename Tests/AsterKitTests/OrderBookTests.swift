import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

@Suite("Order book side and synchroniser")
struct OrderBookUnitTests {
    @Test("a book side matches a dictionary under random updates, removals of absent levels included")
    func randomUpdates() {
        var random = SystemRandomNumberGenerator()
        for isBid in [true, false] {
            var side = BookSide(isBid: isBid)
            var reference: [ExactDecimal: ExactDecimal] = [:]
            for _ in 0..<20_000 {
                let price = ExactDecimal(mantissa: Int64.random(in: 9_000...11_000, using: &random), scale: 1)
                let quantity = Int.random(in: 0..<4, using: &random) == 0
                    ? ExactDecimal.zero : ExactDecimal(mantissa: Int64.random(in: 1...5_000, using: &random), scale: 3)
                side.set(price, quantity)
                reference[price] = quantity.isZero ? nil : quantity
            }
            let expected = reference.map { PriceLevel(price: $0.key, quantity: $0.value) }
                .sorted { isBid ? $0.price > $1.price : $0.price < $1.price }
            #expect(side.levels == expected)
            #expect(side.count == expected.count)
            #expect(side.best == expected.first && side.top(7) == Array(expected.prefix(7)))
            #expect(side.quantity(at: expected[3].price) == expected[3].quantity)
        }
    }

    @Test("a far-away outlier level switches to sorted chunks and stays exact")
    func outlier() {
        var side = BookSide(isBid: false)
        side.set(dec("97000.1"), dec("1"))
        side.set(dec("97000.3"), dec("2"))
        side.set(dec("9999999.9"), dec("3"))  // ~99 million units away at scale 1
        side.set(dec("97000.25"), dec("4"))   // a finer scale too
        #expect(side.levels.map(\.price) == [dec("97000.1"), dec("97000.25"), dec("97000.3"), dec("9999999.9")])
        side.set(dec("97000.1"), .zero)
        #expect(side.best == PriceLevel(price: dec("97000.25"), quantity: dec("4")) && side.count == 3)
    }

    @Test("a partial depth event makes a book, best first, with spread, mid, imbalance and cumulative depth")
    func partial() throws {
        guard case .depth(let d) = try decode(try fixture("depthPartial")).event else { throw Unexpected() }
        let book = LocalOrderBook(partial: d)
        #expect(book.bestBid?.price == dec("7405.43") && book.bestAsk?.price == dec("7405.96"))
        #expect(book.spread == dec("0.53") && book.mid == dec("7405.695"))
        #expect(book.cumulativeDepth(bids: true, levels: 3) == [dec("2.562"), dec("7.801"), dec("9.229")])
        #expect(book.imbalance(levels: 5) == (dec("13.137") - dec("15.315")).divided(by: dec("28.452"), scale: 6))
        #expect(book.lastUpdateId == 390497878)
    }

    @Test("equal prices with different trailing zeros are one level")
    func exactKeys() {
        var side = BookSide(isBid: true)
        side.set(dec("7403.90"), dec("1"))
        side.set(dec("7403.9"), dec("2"))
        #expect(side.count == 1 && side.best == PriceLevel(price: dec("7403.9"), quantity: dec("2")))
        side.set(dec("7403.900"), .zero)
        #expect(side.count == 0)
    }

    func diff(_ U: Int64, _ u: Int64, _ pu: Int64, bids: [(String, String)] = [], asks: [(String, String)] = []) -> DepthUpdate {
        DepthUpdate(eventTime: 0, transactionTime: 0, symbol: "BTCUSDT", firstUpdateId: U, finalUpdateId: u,
                    previousFinalUpdateId: pu, bids: bids.map { PriceLevel(price: dec($0.0), quantity: dec($0.1)) },
                    asks: asks.map { PriceLevel(price: dec($0.0), quantity: dec($0.1)) })
    }

    @Test("the spec's algorithm: buffer, drop old, start at the spanning event, check pu")
    func algorithm() {
        var sync = OrderBookSynchronizer(symbol: "BTCUSDT")
        #expect(sync.receive(diff(90, 95, 89, bids: [("100", "1")])) == .fetchSnapshot)
        #expect(sync.receive(diff(96, 105, 95, bids: [("101", "2")])) == nil)  // buffered, no second fetch
        #expect(sync.receive(diff(106, 110, 105, asks: [("103", "0"), ("104", "5")])) == nil)
        #expect(sync.state == .syncing)
        let snapshot = DepthSnapshot(lastUpdateId: 100, bids: [PriceLevel(price: dec("100"), quantity: dec("1"))],
                                     asks: [PriceLevel(price: dec("103"), quantity: dec("3"))])
        #expect(sync.load(snapshot) == nil)
        #expect(sync.state == .live && sync.dropped == 1 && sync.updatesApplied == 2)
        #expect(sync.book.bids.levels.map(\.price) == [dec("101"), dec("100")])
        #expect(sync.book.asks.levels == [PriceLevel(price: dec("104"), quantity: dec("5"))])  // 103 removed
        #expect(sync.book.lastUpdateId == 110)
        // A gap: pu does not match the previous u.
        #expect(sync.receive(diff(115, 120, 112)) == .fetchSnapshot)
        #expect(sync.state == .resyncing && sync.resyncs == 1)
        #expect(sync.load(DepthSnapshot(lastUpdateId: 118, bids: [], asks: [])) == nil)
        #expect(sync.state == .live && sync.book.lastUpdateId == 120)
    }

    @Test("a snapshot older than every buffered event is fetched again")
    func staleSnapshot() {
        var sync = OrderBookSynchronizer(symbol: "BTCUSDT")
        _ = sync.receive(diff(200, 210, 199))
        #expect(sync.load(DepthSnapshot(lastUpdateId: 150, bids: [], asks: [])) == .fetchSnapshot)
        #expect(sync.load(DepthSnapshot(lastUpdateId: 205, bids: [], asks: [])) == nil)
        #expect(sync.state == .live)
    }

    @Test("after a reconnect the book resynchronises from a fresh snapshot")
    func reconnect() {
        var sync = OrderBookSynchronizer(symbol: "BTCUSDT")
        _ = sync.receive(diff(1, 10, 0))
        _ = sync.load(DepthSnapshot(lastUpdateId: 5, bids: [], asks: []))
        #expect(sync.state == .live)
        sync.reconnected()
        #expect(sync.state == .resyncing && sync.resyncs == 1)
        #expect(sync.receive(diff(50, 60, 49)) == .fetchSnapshot)
        _ = sync.load(DepthSnapshot(lastUpdateId: 55, bids: [], asks: []))
        #expect(sync.state == .live && sync.book.lastUpdateId == 60)
    }
}

/// Runs a book manager against a simulator until `check` passes, then pauses the market and
/// compares the local book with the simulator's REST snapshot level for level.
func syncedBookMatchesSimulator(
    seed: UInt64, setup: @escaping @Sendable (SimServer) -> Void = { _ in },
    disturb: @escaping @Sendable (SimServer) -> Void = { _ in },
    until: @escaping @Sendable (OrderBookManager.Status) -> Bool
) async throws -> OrderBookManager.Status {
    try await withSimulator(SimConfiguration(seed: seed, rate: 5_000)) { server, port in
        setup(server)
        let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
        let manager = OrderBookManager(symbols: ["BTCUSDT"], rest: rest)
        let stream = StreamClient(base: "ws://127.0.0.1:\(port)", streams: OrderBookManager.streams(symbols: ["BTCUSDT"]),
                                  configuration: StreamConfiguration(backoff: Backoff(initial: .milliseconds(50))))
        let events = stream.events()
        let running = Task { try await stream.run() }
        let consumer = Task { await manager.run(events) }
        defer {
            running.cancel()
            consumer.cancel()
        }
        let deadline = ContinuousClock.now + .seconds(30)
        // First sync.
        while ContinuousClock.now < deadline, await manager.status("BTCUSDT")!.updatesApplied < 10 {
            try await Task.sleep(for: .milliseconds(50))
        }
        disturb(server)
        while ContinuousClock.now < deadline {
            let s = await manager.status("BTCUSDT")!
            if until(s) && s.state == .live { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        server.setPaused(true)
        try await Task.sleep(for: .milliseconds(700))  // let the last diffs arrive
        let truth = try await rest.depth(symbol: "BTCUSDT", limit: 1000)
        let book = try #require(await manager.book("BTCUSDT"))
        #expect(book.lastUpdateId == truth.lastUpdateId)
        #expect(book.bids.levels == truth.bids, "bids differ")
        #expect(book.asks.levels == truth.asks, "asks differ")
        #expect(book.bids.levels.allSatisfy { !$0.quantity.isZero } && book.asks.levels.allSatisfy { !$0.quantity.isZero })
        return await manager.status("BTCUSDT")!
    }
}

@Suite("Local order book against the simulator", .serialized, .timeLimit(.minutes(3)))
struct OrderBookSimulatorTests {
    @Test("snapshot plus diffs equal the exchange's book level for level")
    func plain() async throws {
        let status = try await syncedBookMatchesSimulator(seed: 21) { $0.updatesApplied > 30 }
        #expect(status.state == .live && status.resyncs == 0 && status.snapshots == 1)
    }

    @Test("a dropped diff event is detected by pu and resynchronised")
    func droppedDiff() async throws {
        let status = try await syncedBookMatchesSimulator(seed: 22, disturb: { server in
            server.faults { $0.dropNextDiff.insert("BTCUSDT") }
        }) { $0.resyncs >= 1 && $0.updatesApplied > 30 }
        #expect(status.resyncs >= 1 && status.snapshots >= 2)
    }

    @Test("a reconnect in the middle of the stream resynchronises")
    func reconnect() async throws {
        let status = try await syncedBookMatchesSimulator(seed: 23, disturb: { server in server.disconnectAll() }) {
            $0.resyncs >= 1 && $0.snapshots >= 2
        }
        #expect(status.resyncs >= 1)
    }

    @Test("a slow snapshot: events arrive before and after it and are reconciled")
    func slowSnapshot() async throws {
        let status = try await syncedBookMatchesSimulator(seed: 24, setup: { server in
            server.faults { $0.restDelay = .milliseconds(400) }
        }) { $0.updatesApplied > 20 }
        #expect(status.resyncs == 0)
    }
}

@Suite("REST client against the simulator", .serialized, .timeLimit(.minutes(3)))
struct RESTClientTests {
    @Test("429 is retried after Retry-After; 5xx is retried")
    func retries() async throws {
        try await withSimulator { server, port in
            server.faults { $0.restFailures = [(429, 1), (503, nil)] }
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)",
                                  configuration: RESTConfiguration(backoff: Backoff(initial: .milliseconds(20))))
            let started = ContinuousClock.now
            let time = try await rest.serverTime()
            #expect(time > 1_700_000_000_000)
            #expect((rest.usedWeight?.byInterval["1m"] ?? 0) >= 1)
            #expect(ContinuousClock.now - started >= .seconds(1), "waited for Retry-After")
        }
    }

    @Test("418 stops every call until Retry-After passes")
    func banned() async throws {
        try await withSimulator { server, port in
            server.faults { $0.restFailures = [(418, 30)] }
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            await #expect(throws: RESTError.self) { try await rest.ping() }
            do {
                try await rest.ping()
                Issue.record("a banned client must not call the server")
            } catch let error as RESTError {
                guard case .banned = error.kind else { Issue.record("\(error)"); return }
            }
        }
    }

    @Test("errors carry the server's code and message; too many failures give up")
    func errors() async throws {
        try await withSimulator { server, port in
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)",
                                  configuration: RESTConfiguration(maxRetries: 2, backoff: Backoff(initial: .milliseconds(10))))
            do {
                _ = try await rest.depth(symbol: "NOPE")
                Issue.record("expected an error")
            } catch let error as RESTError {
                #expect(error.kind == .server(status: 400, code: -1121, message: "Invalid symbol."))
                #expect(error.description.contains("-1121"))
            }
            server.faults { $0.restFailures = Array(repeating: (500, nil), count: 5) }
            await #expect(throws: RESTError.self) { try await rest.ping() }
            let info = try await rest.exchangeInfo()
            #expect(info.symbol("BTCUSDT")?.tickSize == dec("0.1"))
            let premium = try await rest.premiumIndex(symbol: "ETHUSDT")
            #expect(premium.count == 1 && premium[0].markPrice > .zero)
            #expect(try await rest.tickers24h().count == 10)
            #expect(try await rest.klines(symbol: "BTCUSDT", interval: .oneMinute, limit: 5).count <= 5)
        }
    }
}
