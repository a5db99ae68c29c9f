import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Hummingbird
import Logging
import Testing

@Suite("Order book manager: re-bridging, per-connection resync, stopping", .serialized, .timeLimit(.minutes(3)))
struct OrderBookManagerTests {
    func diff(_ U: Int64, _ u: Int64, _ pu: Int64) -> DepthUpdate {
        DepthUpdate(eventTime: 0, transactionTime: 0, symbol: "BTCUSDT", firstUpdateId: U, finalUpdateId: u,
                    previousFinalUpdateId: pu, bids: [], asks: [])
    }

    @Test("a resync keeps the buffered diffs: the next snapshot re-bridges from them")
    func rebridge() {
        var sync = OrderBookSynchronizer(symbol: "BTCUSDT")
        #expect(sync.receive(diff(10, 12, 9)) == .fetchSnapshot)
        #expect(sync.receive(diff(13, 15, 12)) == nil)
        #expect(sync.receive(diff(16, 18, 15)) == nil)
        // Too old for every buffered event: another snapshot is needed, and the diffs stay.
        #expect(sync.load(DepthSnapshot(lastUpdateId: 5, bids: [], asks: [])) == .fetchSnapshot)
        // The next snapshot lands inside the buffered range: live at once, nothing lost.
        #expect(sync.load(DepthSnapshot(lastUpdateId: 14, bids: [], asks: [])) == nil)
        #expect(sync.state == .live)
        #expect(sync.updatesApplied == 2 && sync.book.lastUpdateId == 18)
    }

    @Test("only the books of the connection that reconnected resynchronise")
    func perConnectionResync() async throws {
        try await withSimulator(SimConfiguration(seed: 81, rate: 5_000)) { _, port in
            let symbols = ["BTCUSDT", "ETHUSDT"]
            let manager = OrderBookManager(symbols: symbols, rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"))
            // One stream per connection: BTC's book on shard 0, ETH's on shard 1.
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: OrderBookManager.streams(symbols: symbols),
                                      maxStreamsPerConnection: 1)
            let events = client.events()
            try await withRunning(client) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await manager.run(events) }
                    try await waitUntil {
                        let btc = await manager.status("BTCUSDT")?.state, eth = await manager.status("ETHUSDT")?.state
                        return btc == .live && eth == .live
                    }
                    // Shard 1 comes back after a reconnect (its second connection).
                    await manager.ingest(.state(ConnectionUpdate(
                        connection: ConnectionID(shard: 1, generation: 2), state: .connected,
                        streams: OrderBookManager.streams(symbols: ["ETHUSDT"]).map(\.name))))
                    #expect(await manager.status("ETHUSDT")?.resyncs == 1)
                    #expect(await manager.status("BTCUSDT")?.resyncs == 0)
                    try await waitUntil { await manager.status("ETHUSDT")?.state == .live }
                    #expect(await manager.status("BTCUSDT")?.snapshots == 1)
                    group.cancelAll()
                }
            }
        }
    }

    @Test("200 books syncing at once keep under the spec's 2,400 weight a minute, and all become live",
          .timeLimit(.minutes(4)))
    func weightBudget() async throws {
        let symbols = (0..<200).map {
            SimSymbol(name: "S\($0)USDT", startPrice: ExactDecimal(100 + $0), tickSize: ExactDecimal(mantissa: 1, scale: 2),
                      lotSize: ExactDecimal(mantissa: 1, scale: 1))
        }
        try await withSimulator(SimConfiguration(seed: 83, rate: 20_000, symbols: symbols)) { _, port in
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)")
            let names = symbols.map(\.name)
            // 1000-level snapshots weigh 20 each: 200 of them (4,000) cannot all go in one minute.
            let manager = OrderBookManager(symbols: names, rest: rest, weightPerMinute: 2_300)
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: OrderBookManager.streams(symbols: names))
            let events = client.events(bufferLimit: 1_000_000)
            let peak = Collected<Int>()
            try await withRunning(client) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await manager.run(events) }
                    group.addTask {
                        while !Task.isCancelled {
                            if let used = rest.usedWeight?.byInterval["1m"] { peak.append(used) }
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    try await waitUntil(timeout: .seconds(200)) {
                        var live = 0
                        for name in names where await manager.status(name)?.state == .live { live += 1 }
                        return live == names.count
                    }
                    group.cancelAll()
                }
            }
            let most = peak.all.max() ?? 0
            #expect(most > 0 && most <= 2_400, "the server counted \(most) weight in a minute")
        }
    }

    @Test("an older snapshot answer never overwrites a newer book")
    func generations() async throws {
        // Depth requests: the first answered at once, the second slowly with an old snapshot, the
        // third at once with a newer one.
        let served = Collected<Int>()
        let router = Router()
        router.get("/fapi/v1/depth") { _, _ -> Response in
            served.append(1)
            let n = served.count
            if n == 2 { try await Task.sleep(for: .milliseconds(1_500)) }
            let id = [1: 100, 2: 300][n] ?? 500
            let body = #"{"lastUpdateId":\#(id),"E":1,"T":1,"bids":[["\#(n).00","1"]],"asks":[["9\#(n).00","1"]]}"#
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var it = ports.makeAsyncIterator()
            let port = try #require(await it.next())
            let manager = OrderBookManager(symbols: ["BTCUSDT"], rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"))
            let (events, feed) = AsyncStream.makeStream(of: StreamEvent.self)
            group.addTask { await manager.run(events) }
            let shard0 = ConnectionUpdate(connection: ConnectionID(shard: 0, generation: 1), state: .connected,
                                          streams: OrderBookManager.streams(symbols: ["BTCUSDT"]).map(\.name))
            func diff(_ U: Int64, _ u: Int64, _ pu: Int64) -> StreamEvent {
                .message(StreamMessage(stream: "btcusdt@depth@100ms", event: .depth(self.diff(U, u, pu))))
            }
            func connected(_ generation: Int) -> StreamEvent {
                var update = shard0
                update.connection.generation = generation
                return .state(update)
            }
            feed.yield(connected(1))
            #expect(await manager.liveSnapshot("BTCUSDT", levels: 5) == nil)   // not live yet
            feed.yield(diff(90, 105, 89))            // snapshot 1, at once: live at 105
            try await waitUntil { await manager.status("BTCUSDT")?.state == .live }
            #expect(await manager.liveSnapshot("btcusdt", levels: 5)?.bids == [PriceLevel(price: ExactDecimal(1), quantity: 1)])
            feed.yield(connected(2))                 // a reconnect: the book starts over…
            feed.yield(diff(290, 310, 289))          // …and asks for snapshot 2 (slow)
            try await waitUntil { served.count == 2 }
            #expect(await manager.liveSnapshot("BTCUSDT", levels: 5) == nil)   // resyncing: not the exchange's book
            feed.yield(connected(3))                 // another reconnect while 2 is in flight
            feed.yield(diff(495, 505, 494))          // snapshot 3, at once: live at 505
            try await waitUntil { await manager.book("BTCUSDT")?.lastUpdateId == 505 }
            try await Task.sleep(for: .milliseconds(2_000))   // snapshot 2 has come back by now
            #expect(served.count == 3)
            #expect(await manager.book("BTCUSDT")?.lastUpdateId == 505, "the older answer was ignored")
            #expect(await manager.book("BTCUSDT")?.bids.levels.first?.price == ExactDecimal(3))
            #expect(await manager.status("BTCUSDT")?.state == .live)
            #expect(await manager.status("BTCUSDT")?.snapshots == 2)
            #expect(await manager.liveSnapshot("BTCUSDT", levels: 1)?.asks.map(\.price) == [ExactDecimal(93)])
            #expect(await manager.liveSnapshot("ETHUSDT", levels: 1) == nil)
            feed.finish()
            group.cancelAll()
        }
    }

    @Test("rollovers resync no book: nothing was lost")
    func rolloversKeepBooks() async throws {
        try await withSimulator(SimConfiguration(seed: 84, rate: 5_000)) { _, port in
            let manager = OrderBookManager(symbols: ["BTCUSDT"], rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"))
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: OrderBookManager.streams(symbols: ["BTCUSDT"]),
                                      configuration: StreamConfiguration(rolloverAfter: .seconds(1)))
            let events = client.events()
            try await withRunning(client) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await manager.run(events) }
                    try await waitUntil(timeout: .seconds(30)) { client.statistics.rollovers >= 3 }
                    #expect(await manager.status("BTCUSDT")?.state == .live)
                    #expect(await manager.status("BTCUSDT")?.resyncs == 0)
                    #expect(await manager.status("BTCUSDT")?.snapshots == 1)
                    group.cancelAll()
                }
            }
        }
    }

    @Test("failing snapshot fetches back off, and stop with the client")
    func failingSnapshotsStop() async throws {
        try await withSimulator(SimConfiguration(seed: 82, rate: 5_000)) { server, port in
            server.faults { $0.restFailures = Array(repeating: (500, nil), count: 1_000) }
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)",
                                  configuration: RESTConfiguration(maxRetries: 0))
            let manager = OrderBookManager(symbols: ["BTCUSDT"], rest: rest)
            let client = StreamClient(base: "ws://127.0.0.1:\(port)", streams: OrderBookManager.streams(symbols: ["BTCUSDT"]))
            let events = client.events()
            let books = Task { await manager.run(events) }
            try await withRunning(client) { try await Task.sleep(for: .seconds(2)) }
            // The client stopped: its feed ended, and the manager's fetches with it.
            let stopped = ContinuousClock.now
            await books.value
            #expect(ContinuousClock.now - stopped < .seconds(2))
            // Backed off: a handful of attempts in two seconds, not hundreds.
            var left = 0
            server.faults { left = $0.restFailures.count }
            #expect(1_000 - left < 20, "\(1_000 - left) attempts")
            #expect(await manager.status("BTCUSDT")?.state != .live)
        }
    }
}
