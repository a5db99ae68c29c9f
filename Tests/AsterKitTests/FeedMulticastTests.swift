import AsterTestSupport
@testable import AsterKit
import Foundation
import Testing

@Suite("Feeds and waiters: multicast, cancellation, stop, replay pacing, re-entrant collectors", .serialized, .timeLimit(.minutes(2)))
struct FeedMulticastTests {
    static func intFeed(_ fanOut: FanOut<Int>, limit: Int = 1_000_000) -> EventFeed<Int> {
        fanOut.feed(bufferLimit: limit) { (batch: [Int], sink: inout FeedSink<Int>) in sink.append(contentsOf: batch) }
    }

    @Test("two iterators of one feed each see every element, in order")
    func twoIteratorsSeeAll() async throws {
        let fanOut = FanOut<Int>()
        let feed = Self.intFeed(fanOut)
        let first = feed.makeAsyncIterator(), second = feed.makeAsyncIterator()
        let a = Task { [first] in
            var it = first
            var seen: [Int] = []
            while let v = await it.next() { seen.append(v) }
            return seen
        }
        let b = Task { [second] in
            var it = second
            var seen: [Int] = []
            while let v = await it.next() {
                seen.append(v)
                if v % 1_000 == 0 { await Task.yield() }   // the slower one
            }
            return seen
        }
        var next = 0
        for size in (0..<500).map({ 1 + $0 % 41 }) {
            fanOut.deliver(Array(next..<(next + size)))
            next += size
            if next % 7 == 0 { await Task.yield() }
        }
        fanOut.finish()
        #expect(await a.value == Array(0..<next))
        #expect(await b.value == Array(0..<next))
        #expect(feed.dropped == 0)
    }

    @Test("each iterator counts what it missed when the buffer was full, just before the element after the gap")
    func perIteratorDrops() async throws {
        let fanOut = FanOut<Int>()
        let feed = Self.intFeed(fanOut, limit: 4)
        var it = feed.makeAsyncIterator()
        fanOut.deliver([1, 2])
        #expect(await it.next() == 1 && it.dropped == 0)
        fanOut.deliver(Array(3...10))
        #expect(await it.next() == 2 && it.dropped == 0, "the batch already taken is whole")
        #expect(await it.next() == 7 && it.dropped == 4)
        #expect(feed.dropped == 4)
    }

    @Test("a feed released without ever being iterated stops collecting; one still held, or iterated, keeps on")
    func releasedFeedStops() {
        let fanOut = FanOut<Int>()
        do {
            let unused = Self.intFeed(fanOut)
            #expect(fanOut.count == 1 && unused.dropped == 0)
        }
        #expect(fanOut.count == 0)
        let kept = Self.intFeed(fanOut)
        do {
            let iterator = kept.makeAsyncIterator()
            #expect(fanOut.count == 1 && iterator.dropped == 0)
        }
        #expect(fanOut.count == 1, "the feed itself is still held")
        fanOut.deliver([1])
        #expect(kept.dropped == 0)
    }

    @Test("a cancelled waiter ends (returns nil) while another iterator of the same feed goes on")
    func cancelledWaiterEnds() async throws {
        let fanOut = FanOut<Int>()
        let feed = Self.intFeed(fanOut)
        let waiting = Task { for await _ in feed {} ; return true }
        let other = feed.makeAsyncIterator()
        let going = Task { [other] in
            var it = other
            return await it.next()
        }
        try await waitUntil { feed.buffer.state.withLock { s in s.readers.count == 2 && s.readers.allSatisfy { $0.waiter != nil } } }
        waiting.cancel()
        #expect(await waiting.value)
        fanOut.deliver([42])
        #expect(await going.value == 42)
    }

    @Test("every waiter ends when its producer stops: client feeds, LiveAccount.updates(), OrderBookManager.changes()")
    func waitersEndOnStop() async throws {
        // A client that never connects (nothing listens on port 1).
        let client = StreamClient(base: "ws://127.0.0.1:1", streams: [.aggTrade(symbol: "btcusdt")],
                                  configuration: StreamConfiguration(backoff: Backoff(initial: .seconds(3_600))))
        let trades = client.aggregateTrades()
        let tradeWaiter = Task { for await _ in trades {} }
        let account = AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:1", configuration: RESTConfiguration(timeout: .milliseconds(300), maxRetries: 0)),
                                    credentials: .hmac(apiKey: "k", secret: Secret("s")))
        let live = LiveAccount(account: account, webSocketBase: "ws://127.0.0.1:1",
                               configuration: StreamConfiguration(backoff: Backoff(initial: .seconds(3_600))))
        let updates = await live.updates()
        let updateWaiter = Task { var n = 0; for await _ in updates { n += 1 }; return n }
        let books = OrderBookManager(symbols: ["BTCUSDT"], rest: RESTClient(baseURL: "http://127.0.0.1:1", configuration: RESTConfiguration(timeout: .milliseconds(300), maxRetries: 0)))
        let changes = await books.changes()
        let changeWaiter = Task { for await _ in changes {} }
        let (events, input) = AsyncStream.makeStream(of: StreamEvent.self)
        let running = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                group.addTask { try await live.run() }
                group.addTask { await books.run(events) }
                try await group.waitForAll()
            }
        }
        try await waitUntil { await live.status.connection != .connecting }
        running.cancel()
        input.finish()
        try await running.value
        await tradeWaiter.value
        #expect(await updateWaiter.value >= 1, "the status now comes first")
        await changeWaiter.value
        // Made after the stop: they end at once.
        let lateUpdates = await live.updates(), lateChanges = await books.changes()
        for await _ in lateUpdates {}
        for await _ in lateChanges {}
    }

    @Test("a feed nobody iterates does not hold a replay back; an iterated one still paces it and loses nothing")
    func idleFeedDoesNotStallReplay() async throws {
        let path = temporaryPath("idle.rec")
        let frames = (0..<3_000).map { i in
            #"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":\#(1_000 + i),"s":"BTCUSDT","a":\#(i),"p":"100.0","q":"1","f":\#(i),"l":\#(i),"T":\#(1_000 + i),"m":false}}"#
        }
        try frames.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        // Larger than a replay's batch (256 frames): a paced feed never overflows.
        let client = StreamClient(replay: ReplaySource(paths: [path]), bufferLimit: 1_000)
        let idle = client.aggregateTrades(bufferLimit: 10)   // held, never iterated
        let trades = client.aggregateTrades()
        // Made before run(): it paces the replay from the first element.
        let iterator = trades.makeAsyncIterator()
        let consumer = Task { [iterator] in
            var it = iterator
            var n = 0
            while await it.next() != nil {
                n += 1
                if n % 100 == 0 { await Task.yield() }
            }
            return n
        }
        try await client.run()
        #expect(await consumer.value == 3_000)
        #expect(trades.dropped == 0, "the iterated feed paced the replay")
        #expect(idle.dropped == 2_990)
        _ = idle
    }

    @Test("a collector that calls back into the client and into its own feed does not deadlock")
    func reentrantCollector() async throws {
        let path = temporaryPath("reentrant.rec")
        let frames = (0..<50).map { i in
            #"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":\#(1_000 + i),"s":"BTCUSDT","a":\#(i),"p":"100.0","q":"1","f":\#(i),"l":\#(i),"T":\#(1_000 + i),"m":false}}"#
        }
        try frames.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let client = StreamClient(replay: ReplaySource(paths: [path]))
        let itself = Locked<EventFeed<Int>?>(nil)
        let joined = Locked<[EventFeed<StreamEvent>]>([])
        let feed = client.feed(bufferLimit: nil) { (batch: [StreamEvent], sink: inout FeedSink<Int>) in
            _ = itself.value?.dropped          // its own feed's lock
            _ = client.statistics               // the client's counters
            _ = client.state
            _ = client.streams
            if joined.value.isEmpty { joined.value = [client.events()] }   // registering a feed
            sink.append(contentsOf: batch.compactMap { if case .message = $0 { 1 } else { nil } })
        }
        itself.value = feed
        let counted = Task { await feed.reduce(0, +) }
        try await client.run()
        #expect(await counted.value == 50)
        itself.value = nil
    }
}
