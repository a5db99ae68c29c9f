@testable import AsterKit
import AsterTestSupport
import AsterSim
import Foundation
import NIOCore
import NIOWebSocket
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

    /// The wire bytes of one frame (unmasked unless `mask` is given).
    static func wire(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0, mask: [UInt8]? = nil) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if payload.count < 126 {
            out.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(maskBit | 127)
            out += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        if let mask {
            out += mask
            out += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        } else {
            out += payload
        }
        return out
    }

    /// Parses `bytes` fed in pieces of `step` bytes; returns (fin, opcode, payload text) per frame.
    static func parse(_ bytes: [UInt8], step: Int, maxFrameSize: Int = 1 << 20) throws(WebSocketFrameParser.Failure)
        -> [(Bool, UInt8, String)]
    {
        var parser = WebSocketFrameParser(maxFrameSize: maxFrameSize)
        var out: [(Bool, UInt8, String)] = []
        var i = 0
        while i < bytes.count {
            let piece = ByteBuffer(bytes: bytes[i..<min(i + step, bytes.count)])
            try parser.parse(piece, allocator: ByteBufferAllocator()) { frame in
                out.append((frame.fin, UInt8(webSocketOpcode: frame.opcode), String(buffer: frame.payload)))
                return true
            }
            i += step
        }
        return out
    }

    @Test("the frame parser cuts frames out of any split of the bytes: 7-, 16- and 64-bit lengths, masked, fragments, control frames")
    func frameParser() throws {
        let long = String(repeating: "x", count: 300), huge = String(repeating: "y", count: 70_000)
        let bytes = Self.wire(0x1, Array("hello".utf8)) + Self.wire(0x9, Array("ping".utf8))
            + Self.wire(0x1, Array(long.utf8)) + Self.wire(0x2, Array(huge.utf8))
            + Self.wire(0x1, Array("mas".utf8), fin: false, mask: [1, 2, 3, 4]) + Self.wire(0x0, Array("ked".utf8))
            + Self.wire(0x8, [0x03, 0xE8])
        let expected: [(Bool, UInt8, String)] = [(true, 1, "hello"), (true, 9, "ping"), (true, 1, long), (true, 2, huge),
                                                 (false, 1, "mas"), (true, 0, "ked"), (true, 8, "\u{03}\u{E8}")]
        for step in [1, 2, 3, 7, 100, 4_096, bytes.count] {
            let frames = try Self.parse(bytes, step: step)
            #expect(frames.count == expected.count)
            for (got, want) in zip(frames, expected) {
                #expect(got.0 == want.0 && got.1 == want.1 && (got.1 == 8 || got.2 == want.2))
            }
        }
        // Stopping early leaves the rest unparsed.
        var parser = WebSocketFrameParser(maxFrameSize: 1 << 20)
        var seen = 0
        try parser.parse(ByteBuffer(bytes: bytes), allocator: ByteBufferAllocator()) { _ in
            seen += 1
            return seen < 2
        }
        #expect(seen == 2)
    }

    @Test("the frame parser refuses what a client must refuse: reserved bits and opcodes, long or fragmented control frames, oversize")
    func frameParserFailures() {
        func failure(_ bytes: [UInt8], maxFrameSize: Int = 1_000) -> WebSocketFrameParser.Failure? {
            do throws(WebSocketFrameParser.Failure) {
                _ = try Self.parse(bytes, step: bytes.count, maxFrameSize: maxFrameSize)
                return nil
            } catch {
                return error
            }
        }
        #expect(failure(Self.wire(0x1, [0x41], rsv: 0x40)) == .protocolError("reserved bits set"))
        #expect(failure(Self.wire(0x3, [0x41])) == .protocolError("reserved opcode 3"))
        #expect(failure(Self.wire(0xB, [0x41])) == .protocolError("reserved opcode 11"))
        #expect(failure(Self.wire(0x9, [0x41], fin: false)) == .protocolError("fragmented control frame"))
        #expect(failure(Self.wire(0x9, Array(repeating: 0x41, count: 126))) == .protocolError("control frame of 126 bytes"))
        #expect(failure(Self.wire(0x1, Array(repeating: 0x41, count: 1_001))) == .tooLarge(1_001))
        #expect(failure(Self.wire(0x1, Array(repeating: 0x41, count: 1_000))) == nil)
        // The header alone says it is too large: no need to wait for the payload.
        #expect(failure(Array(Self.wire(0x2, Array(repeating: 0, count: 70_000)).prefix(10))) == .tooLarge(70_000))
        #expect(WebSocketFrameParser.Failure.tooLarge(5).closeCode == .messageTooLarge)
        #expect(WebSocketFrameParser.Failure.protocolError("x").closeCode == .protocolError)
    }
}
