import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization

/// Every connection a server accepted and has not closed, so stopping the server closes them.
///
/// Hummingbird answers a cancelled server by half-closing each connection's input and waiting
/// for its client: a connection that has not sent a whole request yet waits on its HTTP upgrade
/// negotiation, which no cancellation reaches. An idle AsyncHTTPClient pool connection (one opened
/// for a request that was cancelled before it was sent, say) then holds `run()` until the client
/// closes it, minutes later. A simulator must stop when told, whoever is connected.
///
/// ```swift
/// let connections = ConnectionRegistry()
/// let app = Application(router: router, server: connections.http1Server(), …)
/// group.addTask { try await app.run() }
/// group.addTask { await connections.closeAllWhenCancelled() }
/// ```
public final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Connections open now.
    public var count: Int { state.withLock { $0.channels.count } }

    /// Registers `channel` until it closes; after ``closeAll()`` it is closed at once.
    public func register(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.channels[id] = channel
            return true
        }
        guard accepted else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [self] _ in
            _ = state.withLock { $0.channels.removeValue(forKey: id) }
        }
    }

    /// Closes every connection, and every one registered from now on.
    public func closeAll() {
        let open = state.withLock { state -> [any Channel] in
            state.closed = true
            return Array(state.channels.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Waits until the task is cancelled, then closes every connection: run it next to the
    /// server's `run()` in the task group that stops it.
    public func closeAllWhenCancelled() async {
        await withTaskCancellationHandler {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3_600)) }
        } onCancel: {
            closeAll()
        }
    }

    /// An HTTP/1 server whose connections are registered here.
    public func http1Server(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            RegisteredChildChannel(base: HTTP1Channel(responder: responder, configuration: configuration), registry: self)
        }
    }

    /// An HTTP/1 server with websocket upgrades whose connections are registered here.
    public func webSocketServer(
        configuration: HTTP1WebSocketUpgradeChannel.Configuration,
        shouldUpgrade: @escaping @Sendable (HTTPRequest, any Channel, Logger) async throws
            -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            RegisteredChildChannel(base: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: configuration,
                                                                      shouldUpgrade: shouldUpgrade),
                                   registry: self)
        }
    }
}

/// A server child channel that registers every accepted connection before its own setup, so a
/// connection that never sends a request is closed by a stop too.
struct RegisteredChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    let base: Base
    let registry: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        registry.register(channel)
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
