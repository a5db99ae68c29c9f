import AsterDashboard
import AsterKit
import AsterSim
import AsterTestSupport
import Testing

@testable import AsterTUI

@Suite("The dashboard's focused local book", .serialized, .timeLimit(.minutes(3)))
struct FocusedBookTests {
    func depth(_ symbol: String, stream: String) -> StreamEvent {
        .message(StreamMessage(stream: stream, event: .depth(DepthUpdate(
            eventTime: 0, transactionTime: 0, symbol: symbol, firstUpdateId: 1, finalUpdateId: 2, previousFinalUpdateId: 0,
            bids: [], asks: []))))
    }

    @Test("only the focused symbol's diff stream and the connection states reach its book; a new book gets the connections first")
    func routing() async throws {
        let book = FocusedBook(rest: RESTClient(baseURL: "http://127.0.0.1:1"))
        let connected = StreamEvent.state(ConnectionUpdate(connection: ConnectionID(shard: 0, generation: 1), state: .connected))
        book.route([connected])   // before any book: remembered
        let btc = try #require(book.follow("BTCUSDT"))
        book.route([depth("BTCUSDT", stream: "btcusdt@depth20@100ms"), depth("ETHUSDT", stream: "ethusdt@depth@100ms"),
                    depth("BTCUSDT", stream: "btcusdt@depth@500ms"), depth("BTCUSDT", stream: "btcusdt@depth@100ms"),
                    .message(StreamMessage(stream: "btcusdt@aggTrade", event: .unknown(UnknownEvent(eventType: "x", raw: "{}"))))])
        let eth = try #require(book.follow("ETHUSDT"))   // finishes BTC's events
        var got: [String] = []
        for await event in btc.events {
            switch event {
            case .message(let m): got.append(m.stream ?? "")
            case .state: got.append("state")
            case .decodeFailure: got.append("failure")
            }
        }
        #expect(got == ["state", "btcusdt@depth@100ms"])
        book.route([depth("ETHUSDT", stream: "ethusdt@depth@100ms")])
        book.stop()
        var ethGot: [String] = []
        for await event in eth.events {
            if case .message(let m) = event { ethGot.append(m.stream ?? "") } else { ethGot.append("state") }
        }
        #expect(ethGot == ["state", "ethusdt@depth@100ms"])
    }

    @Test("the focused symbol's book syncs from its diff stream and a snapshot, deeper than 20; a switch drops it for the new symbol's")
    func followAndSwitch() async throws {
        try await withSimulator(SimConfiguration(seed: 21, rate: 3_000)) { _, port in
            let book = FocusedBook(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"))
            // One client as in the dashboard: both symbols' diffs and BTC's partial depth; only the
            // focused symbol's diff stream reaches its book.
            let client = StreamClient(base: "ws://127.0.0.1:\(port)",
                                      streams: [DashboardModel.localBookStream("BTCUSDT"), DashboardModel.localBookStream("ETHUSDT"),
                                                .partialDepth(symbol: "btcusdt", levels: .twenty, speed: .ms100)])
            let events = client.events()
            let btc = try #require(book.follow("BTCUSDT"))
            #expect(book.follow("btcusdt") == nil)   // kept already
            try await withRunning(client) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var reader = events.makeAsyncIterator()
                        var pending: [StreamEvent] = []
                        while let event = await reader.next() {
                            pending.append(event)
                            if reader.bufferedInBatch == 0 {
                                book.route(pending)
                                pending.removeAll()
                            }
                        }
                    }
                    let btcRun = Task { await btc.manager.run(btc.events) }
                    try await waitUntil { await book.sample(levels: 50)?.isSynced == true }
                    let synced = try #require(await book.sample(levels: 50))
                    #expect(synced.symbol == "BTCUSDT" && synced.bids.count > 20 && synced.asks.count > 20)
                    #expect(synced.bids.count <= 50 && synced.asks.count <= 50)
                    #expect(try #require(await btc.manager.status("BTCUSDT")).updatesApplied > 0)

                    // Switch: the old book's run ends, the new symbol's book starts syncing.
                    let eth = try #require(book.follow("ETHUSDT"))
                    await btcRun.value
                    #expect(book.symbol == "ETHUSDT")
                    let first = await book.sample(levels: 50)
                    #expect(first?.symbol == "ETHUSDT")
                    let after = await btc.manager.status("BTCUSDT")?.updatesApplied
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(await btc.manager.status("BTCUSDT")?.updatesApplied == after)   // no longer fed
                    group.addTask { await eth.manager.run(eth.events) }
                    try await waitUntil { await book.sample(levels: 50)?.isSynced == true }
                    #expect(await book.sample(levels: 50)?.symbol == "ETHUSDT")
                    #expect(await eth.manager.status("BTCUSDT") == nil)
                    book.stop()
                    #expect(book.symbol == nil)
                    #expect(await book.sample(levels: 50) == nil)
                    group.cancelAll()
                }
            }
        }
    }
}
