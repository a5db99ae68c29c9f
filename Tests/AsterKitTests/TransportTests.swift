@testable import AsterKit
import AsterSim
import Foundation
import NIOCore
import Testing

@Suite("Transport: fragmented messages, paced reads, batch hand-over", .serialized, .timeLimit(.minutes(2)))
struct TransportTests {
    static func trade(_ id: Int) -> String {
        #"{"e":"aggTrade","E":1764000000000,"s":"BTCUSDT","a":\#(id),"p":"90000.\#(id % 10)","q":"0.\#(100 + id)","f":\#(2 * id),"l":\#(2 * id + 1),"T":1764000000000,"m":true}"#
    }

    @Test("a fragmented message (text frame and continuation frames) is joined and decoded like a whole one, in order")
    func fragmentedMessages() async throws {
        let frames = (1...40).map(Self.trade)
        let ids = try await FrameServer(frames: frames, fragmentSize: 23).run { port in
            let client = StreamClient(url: "ws://127.0.0.1:\(port)/ws/btcusdt@aggTrade",
                                      configuration: StreamConfiguration(reconnect: false))
            let trades = client.aggregateTrades()
            return try await withRunning(client) {
                var ids: [Int64] = []
                for await trade in trades {
                    ids.append(trade.aggregateTradeId)
                    if ids.count == frames.count { break }
                }
                #expect(client.statistics.decodeErrors == 0)
                return ids
            }
        }
        #expect(ids == (1...40).map(Int64.init))
    }

    @Test("a fragmented message larger than maxFrameSize ends the connection with a reason, nothing half-decoded")
    func oversizedFragmentedMessage() async throws {
        let big = #"{"e":"aggTrade","E":1,"s":"\#(String(repeating: "X", count: 400))","a":1,"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}"#
        try await FrameServer(frames: [Self.trade(1), big, Self.trade(2)], fragmentSize: 50).run { port in
            let client = StreamClient(url: "ws://127.0.0.1:\(port)/ws/btcusdt@aggTrade",
                                      configuration: StreamConfiguration(maxFrameSize: 200, reconnect: false))
            let events = client.events()
            let collected = Task {
                var out: [StreamEvent] = []
                for await event in events { out.append(event) }
                return out
            }
            try await client.run()
            let all = await collected.value
            let trades = all.compactMap { event -> Int64? in
                if case .message(let m) = event, case .aggregateTrade(let t) = m.event { t.aggregateTradeId } else { nil }
            }
            #expect(trades == [1])
            let reasons = all.compactMap { event -> String? in
                if case .disconnected(let reason) = event.connectionState { reason } else { nil }
            }
            #expect(reasons.contains { $0.contains("larger than 200 bytes") })
        }
    }

    @Test("reads are paced only when frames arrive densely: at once below 20k/s, once per interval above, back at once below 10k/s")
    func readPacing() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var pacer = ReadPacer(interval: .microseconds(500), now: start)
        var now = start
        // 10k frames/s: ten frames a millisecond, read as they come, even when a late burst
        // brings three milliseconds' worth at once.
        for tick in 0..<100 {
            now = now + .milliseconds(1)
            #expect(pacer.readCompleted(frames: tick % 25 == 24 ? 30 : 10, at: now) == nil)
        }
        // 50k frames/s: after one measuring window, the next read waits one interval.
        var paced: NIODeadline?
        for _ in 0..<40 {
            now = now + .microseconds(500)
            paced = pacer.readCompleted(frames: 25, at: now)
        }
        #expect(pacer.paced && paced == now + .microseconds(500))
        // 15k frames/s keeps the pacing (hysteresis); 5k frames/s ends it.
        for _ in 0..<40 {
            now = now + .milliseconds(1)
            _ = pacer.readCompleted(frames: 15, at: now)
        }
        #expect(pacer.paced)
        for _ in 0..<40 {
            now = now + .milliseconds(1)
            paced = pacer.readCompleted(frames: 5, at: now)
        }
        #expect(!pacer.paced && paced == nil)
        // A zero interval never paces.
        var never = ReadPacer(interval: .zero, now: start)
        #expect(never.readCompleted(frames: 1_000_000, at: start + .milliseconds(3)) == nil)
    }

    @Test("a busy consumer finds the next batches waiting and loses nothing: elements come in order across batches")
    func batchHandOver() async throws {
        let fanOut = FanOut<Int>()
        let feed: EventFeed<Int> = fanOut.feed(bufferLimit: 1_000_000) { (batch: [Int], sink: inout FeedSink<Int>) in
            sink.append(contentsOf: batch)
        }
        let consumer = Task {
            var seen: [Int] = []
            for await value in feed {
                seen.append(value)
                if value % 997 == 0 { try? await Task.sleep(for: .microseconds(200)) }   // busy now and then
            }
            return seen
        }
        var next = 0
        for size in (0..<2_000).map({ 1 + $0 % 37 }) {
            fanOut.deliver(Array(next..<(next + size)))
            next += size
            if next % 5 == 0 { await Task.yield() }
        }
        fanOut.finish()
        let seen = await consumer.value
        #expect(seen == Array(0..<next))
        #expect(feed.dropped == 0)
    }
}
