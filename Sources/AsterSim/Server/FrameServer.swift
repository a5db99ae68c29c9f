import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// A real websocket server on loopback that sends a fixed list of text frames to every client.
///
/// It accepts the Aster paths (`/ws/<name>` and `/stream?streams=…`), sends its frames, then
/// answers live requests (`SUBSCRIBE`, `LIST_SUBSCRIPTIONS`, …) with `{"result":…,"id":…}` until
/// the client leaves. Tests use it to play the spec's payload examples to real clients.
///
/// ```swift
/// let server = FrameServer(frames: [#"{"e":"aggTrade",…}"#])
/// try await server.run { port in /* connect to ws://127.0.0.1:\(port)/stream?streams=… */ }
/// ```
public struct FrameServer: Sendable {
    /// The frames every client receives, in order.
    public var frames: [String]
    /// Close the connection after the frames instead of holding it open.
    public var closeAfterFrames: Bool
    /// Send each frame longer than this many bytes as a fragmented message (a text frame and
    /// continuation frames of at most this size); `nil` sends every frame whole.
    public var fragmentSize: Int?

    /// Creates a server.
    public init(frames: [String], closeAfterFrames: Bool = false, fragmentSize: Int? = nil) {
        self.frames = frames
        self.closeAfterFrames = closeAfterFrames
        self.fragmentSize = fragmentSize.map { max(1, $0) }
    }

    /// Starts on an ephemeral loopback port, runs `body` with the port, then stops.
    public func run<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let frames = self.frames
        let closeAfter = closeAfterFrames
        let fragmentSize = self.fragmentSize
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let connections = ConnectionRegistry()
        var logger = Logger(label: "AsterSim.FrameServer")
        logger.logLevel = .error
        let app = Application(
            router: Router(),
            server: connections.webSocketServer(configuration: .init(ws: .init(maxFrameSize: 16 << 20))) { request, _, _ in
                let path = request.path ?? ""
                guard path.hasPrefix("/ws/") || path.hasPrefix("/stream") else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    for frame in frames {
                        guard let size = fragmentSize, frame.utf8.count > size else {
                            try await outbound.write(.text(frame))
                            continue
                        }
                        var buffer = ByteBuffer(string: frame)
                        try await outbound.withTextMessageWriter { write in
                            while let piece = buffer.readSlice(length: min(size, buffer.readableBytes)), piece.readableBytes > 0 {
                                try await write(piece)
                            }
                        }
                    }
                    if closeAfter { return }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        try await outbound.write(.text(LiveRequestResponder.reply(to: text, subscriptions: [])))
                    }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger.forServer
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            group.addTask {
                await connections.closeAllWhenCancelled()
                return nil
            }
            var iterator = portStream.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result = try await body(port)
            group.cancelAll()
            return result
        }
    }
}
