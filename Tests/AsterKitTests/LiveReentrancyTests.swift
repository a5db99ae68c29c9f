import AsterSim
import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit

/// User code runs outside the client's locks: a collector (on the connection's event loop, as
/// frames arrive) and a consumer loop may call back into the live client — read its state,
/// register and release feeds, subscribe and unsubscribe — without deadlocking it.
@Suite("User closures calling back into a live client", .serialized, .timeLimit(.minutes(2)))
struct LiveReentrancyTests {
    @Test("against the simulator: a collector reads the client's state and makes and drops feeds; a consumer subscribes, unsubscribes and lists from inside its loop; books are read from inside their change loop")
    func callbacksIntoLiveClient() async throws {
        try await withSimulator(SimConfiguration(seed: 190, rate: 2_000)) { server, port in
            let client = StreamClient(base: "ws://127.0.0.1:\(port)",
                                      streams: [.aggTrade(symbol: "btcusdt")] + OrderBookManager.streams(symbols: ["BTCUSDT"]))
            let books = OrderBookManager(symbols: ["BTCUSDT"], rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"))
            let joined = Locked<[EventFeed<StreamEvent>]>([])
            let collected = Locked(0)
            // Runs on the connection's event loop for every batch of frames.
            let feed = client.feed(bufferLimit: nil) { (batch: [StreamEvent], sink: inout FeedSink<StreamEvent>) in
                _ = client.statistics
                _ = client.state
                _ = client.streams
                _ = client.connectionCount
                _ = client.consumerCount
                _ = client.rates()
                joined.withLock { feeds in
                    if feeds.count < 3 { feeds.append(client.events(bufferLimit: 10)) } else { feeds.removeAll() }
                }
                collected.withLock { $0 += 1 }
                sink.append(contentsOf: batch)
            }
            let events = client.events()
            let changes = await books.changes()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                group.addTask { await books.run(events) }
                // A change loop that reads the books it is told about.
                group.addTask {
                    for await change in changes where change.status.state == .live {
                        guard let book = await books.book(change.symbol), book.lastUpdateId > 0 else { continue }
                        _ = await books.status(change.symbol)
                        return
                    }
                }
                var switches = 0
                let extra = StreamName.bookTicker(symbol: "ethusdt")
                var iterator = feed.makeAsyncIterator()
                while let event = await iterator.next() {
                    guard case .message(let m) = event, case .aggregateTrade = m.event else { continue }
                    // Waits for the server's reply, which comes through this same connection and feed.
                    if switches.isMultiple(of: 2) {
                        try await client.subscribe([extra])
                    } else {
                        try await client.unsubscribe([extra])
                    }
                    let listed = try await client.listSubscriptions()
                    #expect(listed.contains(extra.name) == switches.isMultiple(of: 2))
                    switches += 1
                    if switches == 6 { break }
                }
                #expect(switches == 6)
                #expect(collected.value > 0)
                #expect(server.subscriptions.first.map(Set.init) == Set(client.streams.flatMap { $0 }.map(\.name)))
                try await group.next()  // the book change loop saw a live book
                group.cancelAll()
            }
            #expect(client.state?.state == .stopped)
        }
    }
}
