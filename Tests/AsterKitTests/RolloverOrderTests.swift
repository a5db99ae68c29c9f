import AsterTestSupport
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import AsterKit

/// A connection on a real (unconnected, never written) loopback channel, to drive a shard
/// without a server.
func idleConnection(_ id: ConnectionID) async throws -> WebSocketConnection {
    let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    return WebSocketConnection(id: id, channel: channel, closeTimeout: .seconds(1))
}

/// One combined-stream aggregate trade frame, as a decoded batch with a hash of its own.
func tradeBatch(_ id: Int64) throws -> FrameBatch {
    let text = #"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"BTCUSDT","a":\#(id),"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}}"#
    return FrameBatch(events: [.message(try EventDecoder().decode(text))], hashes: [Int(id)])
}

@Suite("Rollover keeps order", .timeLimit(.minutes(1)))
struct RolloverOrderTests {
    @Test("a successor batch delivered while the promotion is under way comes after the held overlap frames")
    func successorBatchDuringPromotion() async throws {
        let hub = EventHub(defaultBufferLimit: 100)
        let trades = hub.makeFeed(bufferLimit: nil) { (batch: [StreamEvent], sink: inout FeedSink<Int64>) in
            for case .message(let m) in batch { if case .aggregateTrade(let t) = m.event { sink.append(t.aggregateTradeId) } }
        }
        let shard = Shard(index: 0, target: .combined(base: "ws://127.0.0.1:1"), streams: [.aggTrade(symbol: "btcusdt")],
                          configuration: StreamConfiguration(), hub: hub, requestIDs: RequestIDs(),
                          logger: Logger(label: "test"))
        let old = try await idleConnection(ConnectionID(shard: 0, generation: 1))
        let successor = try await idleConnection(ConnectionID(shard: 0, generation: 2))
        shard.installOverlap(primary: old, successor: successor)

        shard.deliver(from: successor.id, try tradeBatch(2))   // held: the old connection has not sent it
        shard.deliver(from: old.id, try tradeBatch(1))         // the old connection's, delivered at once
        // The successor's event loop delivers its next read just as the promotion runs.
        let next = try tradeBatch(3)
        shard.afterTakeOver.value = { shard.deliver(from: successor.id, next) }
        let retired = shard.promote(successor.id)
        #expect(retired === old)
        hub.finish()

        var seen: [Int64] = []
        for await id in trades { seen.append(id) }
        #expect(seen == [1, 2, 3])
        try await old.channel.close()
        try await successor.channel.close()
    }

    @Test("the turnstile delivers batches entered from several threads in the order they entered")
    func turnstileKeepsOrder() async throws {
        let seen = Locked<[Int64]>([])
        let turnstile = DeliveryTurnstile { events in
            for case .message(let m) in events { if case .aggregateTrade(let t) = m.event { seen.withLock { $0.append(t.aggregateTradeId) } } }
        }
        let order = Locked<Int64>(0)
        let lock = Locked<Int>(0)
        // Entering happens under one lock (as the shard's), passing after it, from many tasks at once.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<200 {
                        let (events, holds) = lock.withLock { (_: inout Int) -> ([StreamEvent], Bool) in
                            let id = order.withLock { $0 += 1; return $0 }
                            let events = (try? tradeBatch(id).events) ?? []
                            return (events, turnstile.enter(events))
                        }
                        if holds { turnstile.pass(events) }
                    }
                }
            }
        }
        #expect(seen.value == Array(1...1_600))
    }
}
