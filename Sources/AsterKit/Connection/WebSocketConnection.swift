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
    /// Resolves the host (tests give addresses of their own); `nil`: the system's resolver.
    var resolver: (any Resolver & Sendable)? = nil
    /// Tests only: called for every connection attempt (one per address tried) once its channel
    /// is set up; its TCP connect starts when the returned future completes (so a test decides
    /// which address answers first). `nil`: connect at once.
    var attemptGate: (@Sendable (any Channel) -> EventLoopFuture<Void>)? = nil
}

/// One open websocket: frames are parsed and decoded on its event loop, as they arrive, and
/// handed over in batches (see ``FrameHandler``). Outbound requests go through an
/// ``OutboundQueue`` (the 10-per-second limit) and are matched to their replies by id.
final class WebSocketConnection: Sendable {
    let id: ConnectionID
    let channel: any Channel
    private let pending = Mutex<[Int64: @Sendable (Result<SubscriptionReply, any Error>) -> Void]>([:])
    /// Whether the channel has closed (set before the pending requests are failed).
    private let closed = Atomic<Bool>(false)
    /// Why the connection ended (set before `channel.closeFuture` completes).
    private let endReason = Mutex<String?>(nil)
    /// Whether any data frame arrived.
    let receivedFrames = Atomic<Bool>(false)
    /// Whether it was torn down for silence.
    let wentStale = Atomic<Bool>(false)
    private let closeTimeout: Duration

    /// Outbound requests waiting for the rate limit, confined to the channel's event loop.
    private let outbound: NIOLoopBoundBox<OutboundQueue>

    /// A connection on an open channel (``connect(id:url:settings:callbacks:)`` makes real ones;
    /// tests make them on any channel).
    init(id: ConnectionID, channel: any Channel, closeTimeout: Duration) {
        self.id = id
        self.channel = channel
        self.closeTimeout = closeTimeout
        self.outbound = NIOLoopBoundBox.makeBoxSendingValue(OutboundQueue(channel: channel), eventLoop: channel.eventLoop)
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.closed.store(true, ordering: .sequentiallyConsistent)
            self?.failAll(LiveRequestError.notConnected)
        }
    }

    /// Opens a connection; returns once the websocket handshake is complete.
    ///
    /// NIO may try several addresses of the host (Happy Eyeballs) and runs the channel initializer
    /// once per attempt, so each attempt has its own connection object and upgrade promise, kept
    /// by channel; the winner's are used and every other attempt's promise is failed (a losing
    /// channel's when it closes). Cancelling the calling task ends the TCP connect, the TLS
    /// handshake and the websocket handshake at once (the channel, if any, is closed).
    static func connect(id: ConnectionID, url text: String, settings: ConnectionSettings,
                        callbacks: ConnectionCallbacks) async throws -> WebSocketConnection {
        let url = try WebSocketURL(text)
        let sslContext = try url.tls ? NIOSSLContext(configuration: settings.tls ?? .makeClientConfiguration()) : nil
        let attempts = ConnectAttempts()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(settings.connectTimeout.nanosecondsClamped))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                // This attempt's own promise and connection (made before the handshake can
                // complete, so the frame handler always has it).
                let promise = channel.eventLoop.makePromise(of: Void.self)
                let connection = WebSocketConnection(id: id, channel: channel, closeTimeout: settings.closeTimeout)
                attempts.add(channel: channel, promise: promise, connection: connection)
                channel.closeFuture.whenComplete { _ in
                    promise.fail(ConnectionError("closed during the websocket handshake"))
                }
                let ready = channel.eventLoop.makeCompletedFuture {
                    try WebSocketConnection.addHandshakeHandlers(to: channel, url: url, sslContext: sslContext, settings: settings,
                                             promise: promise, connection: connection, callbacks: callbacks)
                }
                guard let gate = settings.attemptGate else { return ready }
                return ready.flatMap { gate(channel) }
            }
        if let resolver = settings.resolver { bootstrap = bootstrap.resolver(resolver) }
        let connecting = bootstrap.connect(host: url.host, port: url.port)
        // Completed by the connect, or failed at once by cancellation (even while resolving).
        let outcome = connecting.eventLoop.makePromise(of: (any Channel).self)
        connecting.cascade(to: outcome)
        let channel: any Channel
        do {
            channel = try await withTaskCancellationHandler {
                try await outcome.futureResult.get()
            } onCancel: {
                outcome.fail(CancellationError())
                attempts.cancel()  // every attempt's socket closes now, not at the connect timeout
            }
            try Task.checkCancellation()
        } catch {
            connecting.whenSuccess { $0.close(promise: nil) }  // a connect that completes anyway
            attempts.failAll(error)
            throw error
        }
        guard let won = attempts.winner(channel) else {
            channel.close(promise: nil)
            throw ConnectionError("no connection for the connected channel")
        }
        let (promise, connection) = won
        let timeout = channel.eventLoop.scheduleTask(in: .nanoseconds(settings.connectTimeout.nanosecondsClamped)) {
            promise.fail(ConnectionError("websocket handshake timed out"))
        }
        do {
            try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                promise.fail(CancellationError())
            }
            timeout.cancel()
        } catch {
            timeout.cancel()
            try? await channel.close()
            throw error
        }
        return connection
    }

    /// TLS (for `wss`), the HTTP upgrade and the request that starts it; the frame handler joins
    /// once the server has agreed, and then `promise` succeeds.
    private static func addHandshakeHandlers(
        to channel: any Channel, url: WebSocketURL, sslContext: NIOSSLContext?, settings: ConnectionSettings,
        promise: EventLoopPromise<Void>, connection: WebSocketConnection, callbacks: ConnectionCallbacks
    ) throws {
        let sync = channel.pipeline.syncOperations
        if let sslContext {
            let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: url.hostIsIPAddress ? nil : url.host)
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

    /// Queues `request` (sent in order, never more than the outbound limit, counted when
    /// actually written) and waits for its reply, or `timeout` after it went out.
    func request(_ request: LiveRequest, timeout: Duration) async throws -> SubscriptionReply {
        guard let result = await requests([request], timeout: timeout).first else { throw LiveRequestError.notConnected }
        return try result.get()
    }

    /// Queues `requests` at once, in order (each is written as the outbound limit allows, without
    /// waiting for the previous one's reply), and waits for every reply: one result per request,
    /// in order. A request with no reply `timeout` after it went out fails with
    /// ``LiveRequestError/timeout(id:)``.
    func requests(_ requests: [LiveRequest], timeout: Duration) async -> [Result<SubscriptionReply, any Error>] {
        guard !requests.isEmpty else { return [] }
        let outbound = self.outbound
        typealias Outcome = Result<SubscriptionReply, any Error>
        let collected = Locked<(results: [Outcome?], left: Int)>((Array(repeating: nil, count: requests.count), requests.count))
        return await withCheckedContinuation { (done: CheckedContinuation<[Outcome], Never>) in
            for (index, request) in requests.enumerated() {
                let complete: @Sendable (Outcome) -> Void = { result in
                    let finished = collected.withLock { c -> [Outcome]? in
                        guard c.results[index] == nil else { return nil }
                        c.results[index] = result
                        c.left -= 1
                        return c.left == 0 ? c.results.map { $0 ?? .failure(LiveRequestError.notConnected) } : nil
                    }
                    if let finished { done.resume(returning: finished) }
                }
                pending.withLock { $0[request.id] = complete }
            }
            let texts = requests.map { ($0.id, $0.jsonText) }
            outbound.eventLoop.execute {
                for (id, text) in texts {
                    outbound.value.enqueue(text: text) { [weak self] written in
                        guard let self else { return }
                        guard written else { return self.fail(id, LiveRequestError.notConnected) }
                        outbound.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanosecondsClamped)) { [weak self] in
                            self?.fail(id, LiveRequestError.timeout(id: id))
                        }
                    }
                }
            }
            // Already closed: nothing will answer.
            if closed.load(ordering: .sequentiallyConsistent) { failAll(LiveRequestError.notConnected) }
        }
    }

    /// Queues a frame of the connection's own (a ping, a pong, a close) behind the requests, within
    /// the same limit; `written` says whether it went out. Call on the event loop.
    func enqueueControl(_ frame: WebSocketFrame, written: @escaping (Bool) -> Void = { _ in }) {
        outbound.value.enqueue(frame: frame, written: written)
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
        guard let complete = pending.withLock({ $0.removeValue(forKey: id) }) else { return false }
        complete(result)
        return true
    }

    func fail(_ id: Int64, _ error: any Error) {
        pending.withLock { $0.removeValue(forKey: id) }?(.failure(error))
    }

    func failAll(_ error: any Error) {
        let waiting = pending.withLock { p in
            defer { p = [:] }
            return Array(p.values)
        }
        waiting.forEach { $0(.failure(error)) }
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

    /// Sets the silence limit (the streams carried changed); `nil`: none.
    func watchSilence(_ timeout: Duration?) {
        let channel = self.channel
        channel.eventLoop.execute {
            (try? channel.pipeline.syncOperations.handler(type: FrameHandler.self))?.setStaleTimeout(timeout)
        }
    }

    /// Closes at once, without a handshake (a dead peer).
    func abort(reason: String) {
        ending(reason)
        channel.close(promise: nil)
    }
}
