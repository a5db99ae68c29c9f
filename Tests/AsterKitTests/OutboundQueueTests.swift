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
}

/// Takes the websocket frames written to a test channel and reports them written.
final class SwallowWrites: ChannelOutboundHandler {
    typealias OutboundIn = WebSocketFrame
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) { promise?.succeed() }
}
