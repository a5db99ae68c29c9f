import AsterTestSupport
import NIOCore
import NIOPosix
import NIOWebSocket
import Testing

@testable import AsterKit

@Suite("Outbound queue")
struct OutboundQueueTests {
    @Test("the outbound queue holds a ping behind a full window, with a clock of its own")
    func queueCountsControlFrames() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let clock = Locked<NIODeadline>(.uptimeNanoseconds(1_000_000_000))
        let (held, after) = try await channel.eventLoop.submit { () -> (Int, Int) in
            try channel.pipeline.syncOperations.addHandler(SwallowWrites())
            let queue = OutboundQueue(channel: channel, now: { clock.value })
            for _ in 0..<OutboundQueue.maxMessages { queue.enqueue(text: "{}") { _ in } }
            let ping = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: channel.allocator.buffer(capacity: 0))
            queue.enqueue(frame: ping) { _ in }
            let held = queue.backlog
            // A window later the ping may go.
            clock.withLock { $0 = $0 + OutboundQueue.window }
            queue.drain()
            return (held, queue.backlog)
        }.get()
        #expect(held == 1, "the ping waits behind a full window")
        #expect(after == 0)
        // Headroom: fewer than 10 in any second even when a whole window falls inside one.
        #expect(OutboundQueue.maxMessages < 10)
        try await channel.close()
    }

    @Test("pings, pongs and the close frame go before waiting requests; a waiting pong is replaced by a newer one")
    func controlFirst() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let clock = Locked<NIODeadline>(.uptimeNanoseconds(1_000_000_000))
        let (order, replaced) = try await channel.eventLoop.submit { () -> ([UInt8], Bool?) in
            let recorder = SwallowWrites()
            try channel.pipeline.syncOperations.addHandler(recorder)
            let queue = OutboundQueue(channel: channel, now: { clock.value })
            for _ in 0..<(OutboundQueue.maxMessages + 2) { queue.enqueue(text: "{}") { _ in } }
            let empty = channel.allocator.buffer(capacity: 0)
            var replaced: Bool?
            queue.enqueue(frame: WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: empty)) { replaced = $0 }
            queue.enqueue(frame: WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: empty)) { _ in }
            queue.enqueue(frame: WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: empty)) { _ in }
            clock.withLock { $0 = $0 + OutboundQueue.window }
            queue.drain()
            return (recorder.opcodes, replaced)
        }.get()
        #expect(replaced == false, "the older pong was replaced, never written")
        // After the first window: the newer pong, the ping, then the two waiting texts.
        #expect(order == Array(repeating: 1, count: OutboundQueue.maxMessages) + [0xA, 0x9, 1, 1])
        try await channel.close()
    }
}

/// Takes the websocket frames written to a test channel, records their opcodes (1 for data
/// frames, 8 close, 9 ping, 10 pong) and reports them written.
final class SwallowWrites: ChannelOutboundHandler {
    typealias OutboundIn = WebSocketFrame
    private(set) var opcodes: [UInt8] = []
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data).opcode {
        case .ping: opcodes.append(9)
        case .pong: opcodes.append(10)
        case .connectionClose: opcodes.append(8)
        default: opcodes.append(1)
        }
        promise?.succeed()
    }
}
