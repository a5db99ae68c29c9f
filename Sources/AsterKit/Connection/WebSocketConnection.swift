import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization

/// What a connection hands over at once: the events of the frames one or more socket reads
/// produced, in order, and (while a rollover overlap is under way) a hash of each raw frame for
/// de-duplication.
struct FrameBatch: Sendable {
    var events: [StreamEvent] = []
    /// One per event while hashing; empty otherwise.
    var hashes: [Int] = []

    var isEmpty: Bool { events.isEmpty }
}

/// What a connection reports to its owner. All are called on the connection's event loop.
struct ConnectionCallbacks: Sendable {
    /// Everything one or more socket reads produced, in order.
    var deliver: @Sendable (ConnectionID, FrameBatch) -> Void
    /// The connection reached its rollover age.
    var rolloverDue: @Sendable (ConnectionID) -> Void
    /// Whether frames should carry a hash now (a rollover overlap is under way).
    var hashing: @Sendable () -> Bool
    /// Whether anyone reads raw frames now.
    var wantsRaw: @Sendable () -> Bool
    /// Takes the raw frames of a batch, in order.
    var raw: @Sendable ([RawFrame]) -> Void
}

/// Settings one websocket connection runs with.
struct ConnectionSettings: Sendable {
    var maxFrameSize: Int
    var tls: TLSConfiguration?
    var connectTimeout: Duration
    var pingInterval: Duration
    var pingTimeout: Duration
    /// Tear the connection down after this long without a data frame; `nil`: never for silence.
    var staleTimeout: Duration?
    var rolloverAfter: Duration?
    var closeTimeout: Duration
    var deliveryInterval: Duration
    var counters: StreamCounters
    var logger: Logger
}

/// One open websocket: frames are parsed and decoded on its event loop, as they arrive, and
/// handed over in batches (see ``FrameHandler``). Outbound requests go through an
/// ``OutboundQueue`` (the 10-per-second limit) and are matched to their replies by id.
final class WebSocketConnection: Sendable {
    let id: ConnectionID
    let channel: any Channel
    private let pending = Mutex<[Int64: CheckedContinuation<SubscriptionReply, any Error>]>([:])
    /// Why the connection ended (set before `channel.closeFuture` completes).
    private let endReason = Mutex<String?>(nil)
    /// Whether any data frame arrived.
    let receivedFrames = Atomic<Bool>(false)
    /// Whether it was torn down for silence.
    let wentStale = Atomic<Bool>(false)
    private let closeTimeout: Duration

    /// Outbound requests waiting for the rate limit, confined to the channel's event loop.
    private let outbound: NIOLoopBoundBox<OutboundQueue>

    private init(id: ConnectionID, channel: any Channel, closeTimeout: Duration) {
        self.id = id
        self.channel = channel
        self.closeTimeout = closeTimeout
        self.outbound = NIOLoopBoundBox.makeBoxSendingValue(OutboundQueue(channel: channel), eventLoop: channel.eventLoop)
    }

    /// Opens a connection; returns once the websocket handshake is complete.
    static func connect(id: ConnectionID, url text: String, settings: ConnectionSettings,
                        callbacks: ConnectionCallbacks) async throws -> WebSocketConnection {
        let url = try WebSocketURL(text)
        let sslContext = try url.tls ? NIOSSLContext(configuration: settings.tls ?? .makeClientConfiguration()) : nil
        let upgraded = Locked<EventLoopPromise<Void>?>(nil)
        let box = Locked<WebSocketConnection?>(nil)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(settings.connectTimeout.nanosecondsClamped))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                let promise = channel.eventLoop.makePromise(of: Void.self)
                upgraded.withLock { $0 = promise }
                // Made here, before the handshake can complete, so the frame handler always has it.
                box.value = WebSocketConnection(id: id, channel: channel, closeTimeout: settings.closeTimeout)
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        let handler = try NIOSSLClientHandler(context: sslContext,
                                                              serverHostname: url.hostIsIPAddress ? nil : url.host)
                        try sync.addHandler(handler)
                    }
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: settings.maxFrameSize,
                                                              automaticErrorHandling: false) { channel, _ in
                        // The frame handler cuts frames out of the bytes itself (see WebSocketFrameParser), so
                        // NIO's frame decoder leaves before it: the bytes that followed the 101 response are
                        // replayed only once this future completes, so they all reach the frame handler.
                        let removed = channel.eventLoop.makePromise(of: Void.self)
                        do {
                            let sync = channel.pipeline.syncOperations
                            sync.removeHandler(try sync.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self),
                                               promise: removed)
                        } catch {
                            removed.fail(error)
                        }
                        return removed.futureResult.flatMapThrowing {
                            guard let connection = box.withLock({ $0 }) else { throw ConnectionError("no connection") }
                            let handler = FrameHandler(connection: connection, settings: settings, callbacks: callbacks)
                            try channel.pipeline.syncOperations.addHandler(handler)
                            promise.succeed()
                        }
                    }
                    // The request sender goes before the websocket handlers are added (and before the
                    // bytes that followed the 101 response are replayed to them, not dropped).
                    let upgrade: NIOHTTPClientUpgradeConfiguration = (upgraders: [upgrader], completionHandler: { context in
                        if let requester = try? context.pipeline.syncOperations.handler(type: HandshakeRequester.self) {
                            context.pipeline.syncOperations.removeHandler(requester, promise: nil)
                        }
                    })
                    try sync.addHTTPClientHandlers(leftOverBytesStrategy: .forwardBytes, withClientUpgrade: upgrade)
                    try sync.addHandler(HandshakeRequester(url: url, promise: promise))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: url.host, port: url.port).get()
        } catch {
            upgraded.value?.fail(error)  // created when the socket was registered; never left pending
            throw error
        }
        guard let connection = box.value else { throw ConnectionError("no connection") }
        let promise = upgraded.withLock { $0 }!
        let timeout = channel.eventLoop.scheduleTask(in: .nanoseconds(settings.connectTimeout.nanosecondsClamped)) {
            promise.fail(ConnectionError("websocket handshake timed out"))
        }
        do {
            try await promise.futureResult.get()
            timeout.cancel()
        } catch {
            timeout.cancel()
            try? await channel.close()
            throw error
        }
        return connection
    }

    /// Why the connection ended, once it has.
    var reason: String { endReason.withLock { $0 } ?? "closed" }

    /// Records why the connection is ending (the first reason wins).
    func ending(_ reason: String) {
        endReason.withLock { if $0 == nil { $0 = reason } }
    }

    /// Waits until the connection has closed; returns why.
    func waitClosed() async -> String {
        try? await channel.closeFuture.get()
        failAll(LiveRequestError.notConnected)
        return reason
    }

    // MARK: Requests

    /// Writes `request` at `deadline` and waits for its reply (or `timeout` after sending).
    /// Queues `request` (sent in order, never more than the spec's 10 a second, counted when
    /// actually written) and waits for its reply, or `timeout` after it went out.
    func request(_ request: LiveRequest, timeout: Duration) async throws -> SubscriptionReply {
        let id = request.id
        let outbound = self.outbound
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0[id] = continuation }
            let text = request.jsonText
            outbound.eventLoop.execute {
                outbound.value.enqueue(text) { [weak self] written in
                    guard let self else { return }
                    guard written else { return self.fail(id, LiveRequestError.notConnected) }
                    outbound.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanosecondsClamped)) { [weak self] in
                        self?.fail(id, LiveRequestError.timeout(id: id))
                    }
                }
            }
        }
    }

    /// Completes the request a reply or error answers; `false` when nobody waits for it.
    @discardableResult
    func resolve(_ event: AsterEvent) -> Bool {
        let (id, result): (Int64, Result<SubscriptionReply, any Error>)
        switch event {
        case .subscriptionReply(let reply): (id, result) = (reply.id, .success(reply))
        case .serverError(let error):
            guard let errorId = error.id else { return false }
            (id, result) = (errorId, .failure(error))
        default: return false
        }
        guard let continuation = pending.withLock({ $0.removeValue(forKey: id) }) else { return false }
        continuation.resume(with: result)
        return true
    }

    func fail(_ id: Int64, _ error: any Error) {
        pending.withLock { $0.removeValue(forKey: id) }?.resume(throwing: error)
    }

    func failAll(_ error: any Error) {
        let waiting = pending.withLock { p in
            defer { p = [:] }
            return Array(p.values)
        }
        waiting.forEach { $0.resume(throwing: error) }
    }

    // MARK: Closing

    /// Closes politely: sends a close frame, discards whatever still arrives until the server's
    /// close (at most the close timeout), then closes the socket. Returns once it is closed.
    func close(reason: String = "stopped") async {
        ending(reason)
        let channel = self.channel
        let timeout = closeTimeout
        channel.eventLoop.execute {
            guard let handler = try? channel.pipeline.syncOperations.handler(type: FrameHandler.self) else {
                channel.close(promise: nil)
                return
            }
            handler.beginClose(code: .normalClosure)
            channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanosecondsClamped)) {
                channel.close(promise: nil)
            }
        }
        _ = await waitClosed()
    }

    /// Closes at once, without a handshake (a dead peer).
    func abort(reason: String) {
        ending(reason)
        channel.close(promise: nil)
    }
}
