import DequeModule
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization

/// Which connection an event concerns: the shard (one per 200 streams) and the connection's
/// generation within it (a reconnect or a rollover makes a new generation).
public struct ConnectionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The shard, from 0.
    public var shard: Int
    /// The connection's number within its shard, from 1.
    public var generation: Int

    /// Creates an identifier.
    public init(shard: Int, generation: Int) {
        self.shard = shard
        self.generation = generation
    }

    public var description: String { "#\(shard).\(generation)" }

    public static func < (a: ConnectionID, b: ConnectionID) -> Bool {
        (a.shard, a.generation) < (b.shard, b.generation)
    }
}

/// One frame as a connection hands it over: the event, the stream it belongs to, and (while a
/// rollover overlap is under way) a hash of the raw frame for de-duplication.
struct ReceivedFrame: Sendable {
    var event: StreamEvent
    var stream: String?
    var hash: Int
}

/// What a connection reports to its owner. Both are called on the connection's event loop.
struct ConnectionCallbacks: Sendable {
    /// Everything one socket read produced, in order.
    var deliver: @Sendable (ConnectionID, [ReceivedFrame]) -> Void
    /// The connection reached its rollover age.
    var rolloverDue: @Sendable (ConnectionID) -> Void
    /// Whether frames should carry a hash now (a rollover overlap is under way).
    var hashing: @Sendable () -> Bool
    /// Whether anyone reads raw frames now.
    var wantsRaw: @Sendable () -> Bool
    /// Takes one raw frame.
    var raw: @Sendable (RawFrame) -> Void
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

/// A parsed `ws://` or `wss://` URL.
struct WebSocketURL: Sendable, Hashable {
    var tls: Bool
    var host: String
    var port: Int
    var pathAndQuery: String

    init(_ text: String) throws(ConnectionError) {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("wss://") {
            tls = true
            rest = text.dropFirst(6)
        } else if lower.hasPrefix("ws://") {
            tls = false
            rest = text.dropFirst(5)
        } else {
            throw ConnectionError("not a ws:// or wss:// URL: \(text)")
        }
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<slash]
        let path = String(rest[slash...])
        pathAndQuery = path.isEmpty ? "/" : (path.hasPrefix("?") ? "/" + path : path)
        var port = tls ? 443 : 80
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":"), let p = Int(after.dropFirst()) { port = p }
            authority = authority[authority.index(after: authority.startIndex)..<close]
        } else if let colon = authority.lastIndex(of: ":") {
            guard let p = Int(authority[authority.index(after: colon)...]) else {
                throw ConnectionError("bad port in \(text)")
            }
            port = p
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { throw ConnectionError("no host in \(text)") }
        host = String(authority)
        self.port = port
    }

    /// Whether the host is a literal IP address (which TLS must not send as SNI).
    var hostIsIPAddress: Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }
}

/// Why a connection could not be opened, or ended.
public struct ConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    public var description: String
    init(_ description: String) { self.description = description }
}

/// One open websocket: frames are parsed and decoded on its event loop, as they arrive, and
/// handed over in batches (one per socket read). Outbound requests are written at the times the
/// owner reserved for them (the 10-per-second limit) and matched to their replies by id.
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
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: settings.maxFrameSize) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            guard let connection = box.withLock({ $0 }) else { throw ConnectionError("no connection") }
                            let handler = FrameHandler(connection: connection, settings: settings, callbacks: callbacks)
                            try channel.pipeline.syncOperations.addHandlers(
                                NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16,
                                                            maxAccumulatedFrameSize: settings.maxFrameSize),
                                handler)
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

/// Sends the HTTP upgrade request once the socket (and TLS) is up; reports a refused handshake.
final class HandshakeRequester: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let url: WebSocketURL
    let promise: EventLoopPromise<Void>

    init(url: WebSocketURL, promise: EventLoopPromise<Void>) {
        self.url = url
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        let defaultPort = url.tls ? 443 : 80
        headers.add(name: "Host", value: url.port == defaultPort ? url.host : "\(url.host):\(url.port)")
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.pathAndQuery, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Only a response that was not an upgrade reaches this handler.
        if case .head(let head) = unwrapInboundIn(data) {
            promise.fail(ConnectionError("websocket handshake refused: HTTP \(head.status.code) \(head.status.reasonPhrase)"))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(ConnectionError("websocket handshake failed: \(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ConnectionError("closed during the websocket handshake"))
        context.fireChannelInactive()
    }
}

/// Runs on the connection's event loop: decodes frames where they arrive, batches them per socket
/// read, answers pings, sends its own pings, watches for silence and dead peers, and closes with
/// the websocket handshake.
final class FrameHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let connection: WebSocketConnection
    private let settings: ConnectionSettings
    private let callbacks: ConnectionCallbacks
    private let decoder = EventDecoder()
    private var batch: [ReceivedFrame] = []
    private var frames = 0
    private var bytes = 0
    private var decodeErrors = 0
    private var closeSent = false
    private var lastData = NIODeadline.now()
    private var pingSentAt: NIODeadline?
    private var lastPing = NIODeadline.now()
    private var timer: RepeatedTask?
    private var rollover: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var batchFlags: (raw: Bool, hash: Bool)?
    private var firstUnflushed: NIODeadline?
    private var pendingFlush: Scheduled<Void>?

    init(connection: WebSocketConnection, settings: ConnectionSettings, callbacks: ConnectionCallbacks) {
        self.connection = connection
        self.settings = settings
        self.callbacks = callbacks
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        settings.counters.touch(at: .now)
        let tick = min(settings.pingInterval / 4, settings.staleTimeout.map { $0 / 4 } ?? .seconds(1), .seconds(1))
        let nanos = max(tick, .milliseconds(10)).nanosecondsClamped
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .nanoseconds(nanos), delay: .nanoseconds(nanos)) { _ in
            bound.value.check()
        }
        if let age = settings.rolloverAfter {
            let id = connection.id
            let callbacks = self.callbacks
            rollover = context.eventLoop.scheduleTask(in: .nanoseconds(age.nanosecondsClamped)) { callbacks.rolloverDue(id) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        self.context = nil
    }

    private func stopTimers() {
        pendingFlush?.cancel()
        pendingFlush = nil
        timer?.cancel()
        timer = nil
        rollover?.cancel()
        rollover = nil
    }

    private func check() {
        guard let context else { return }
        let now = NIODeadline.now()
        if let sent = pingSentAt, now - sent > .nanoseconds(settings.pingTimeout.nanosecondsClamped) {
            fail(context: context, "no pong within \(settings.pingTimeout)")
            return
        }
        if let stale = settings.staleTimeout, now - lastData > .nanoseconds(stale.nanosecondsClamped) {
            settings.counters.stale()
            connection.wentStale.store(true, ordering: .relaxed)
            fail(context: context, "no frame for \(stale)")
            return
        }
        if !closeSent, pingSentAt == nil, now - lastPing >= .nanoseconds(settings.pingInterval.nanosecondsClamped) {
            lastPing = now
            pingSentAt = now
            let frame = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: context.channel.allocator.buffer(capacity: 0))
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        }
    }

    private func fail(context: ChannelHandlerContext, _ reason: String) {
        connection.ending(reason)
        stopTimers()
        context.close(promise: nil)
    }

    /// Starts the closing handshake: from now on data frames are discarded.
    func beginClose(code: WebSocketErrorCode) {
        guard !closeSent, let context else { return }
        closeSent = true
        stopTimers()
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            guard !closeSent else { return }
            receive(text: frame.unmaskedData)
        case .binary:
            guard !closeSent else { return }
            lastData = .now()
            frames += 1
            bytes += frame.length
            decodeErrors += 1
            batch.append(ReceivedFrame(event: .decodeFailure(DecodingFailure(.binaryFrame, offset: 0)), stream: nil, hash: 0))
        case .ping:
            pingSentAt = nil  // the peer is alive
            guard !closeSent else { return }
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            pingSentAt = nil
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode()
            let text = data.readString(length: data.readableBytes) ?? ""
            if !closeSent {
                connection.ending("closed by server: \(code.map { "\($0)" } ?? "no code")\(text.isEmpty ? "" : " \(text)")")
                closeSent = true
                var echo = context.channel.allocator.buffer(capacity: 2)
                echo.write(webSocketErrorCode: code ?? .normalClosure)
                let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in bound.value.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    private func receive(text data: ByteBuffer) {
        frames += 1
        bytes += data.readableBytes
        // Asked once per batch, not per frame.
        let flags = batchFlags ?? (raw: callbacks.wantsRaw(), hash: callbacks.hashing())
        batchFlags = flags
        if flags.raw {
            callbacks.raw(RawFrame(text: String(buffer: data), receivedAt: Int64(Date().timeIntervalSince1970 * 1000),
                                   connection: connection.id))
        }
        let hash = flags.hash ? data.withUnsafeReadableBytes { raw in
            var hasher = Hasher()
            hasher.combine(bytes: raw)
            return hasher.finalize()
        } : 0
        let decoded: Result<StreamMessage, DecodingFailure> = data.withUnsafeReadableBytes { raw in
            do throws(DecodingFailure) {
                return .success(try decoder.decode(bytes: raw.bindMemory(to: UInt8.self)))
            } catch {
                return .failure(error)
            }
        }
        switch decoded {
        case .success(let message):
            connection.resolve(message.event)
            batch.append(ReceivedFrame(event: .message(message), stream: message.stream, hash: hash))
        case .failure(let failure):
            decodeErrors += 1
            settings.logger.warning("undecodable frame", metadata: ["error": "\(failure)"])
            batch.append(ReceivedFrame(event: .decodeFailure(failure), stream: nil, hash: hash))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if frames > 0 {
            lastData = .now()
            connection.receivedFrames.store(true, ordering: .relaxed)
        }
        // A batch goes out at once when it is large or has waited `deliveryInterval`; otherwise
        // it waits that long for more frames (one consumer wake-up for many frames at low rates).
        let interval = settings.deliveryInterval
        if batch.count >= 256 || interval == .zero {
            flush()
        } else if !batch.isEmpty {
            let now = NIODeadline.now()
            let first = firstUnflushed ?? now
            firstUnflushed = first
            let due = first + .nanoseconds(interval.nanosecondsClamped)
            if now >= due {
                flush()
            } else if pendingFlush == nil {
                let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
                pendingFlush = context.eventLoop.scheduleTask(deadline: due) { bound.value.flush() }
            }
        } else {
            flush()
        }
        context.fireChannelReadComplete()
    }

    private func flush() {
        pendingFlush?.cancel()
        pendingFlush = nil
        firstUnflushed = nil
        batchFlags = nil
        if frames > 0 || decodeErrors > 0 {
            settings.counters.add(frames: frames, bytes: bytes, decodeErrors: decodeErrors, at: .now)
            frames = 0
            bytes = 0
            decodeErrors = 0
        }
        guard !batch.isEmpty else { return }
        let out = batch
        batch.removeAll(keepingCapacity: true)
        callbacks.deliver(connection.id, out)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.ending("\(error)")
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        flush()
        stopTimers()
        connection.ending(closeSent ? "closed" : "connection lost")
        context.fireChannelInactive()
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to `Int64`.
    var nanosecondsClamped: Int64 {
        let (seconds, atto) = components
        if seconds > Int64.max / 1_000_000_000 - 1 { return Int64.max / 2 }
        return seconds * 1_000_000_000 + atto / 1_000_000_000
    }
}

/// A value behind a lock, in a class so escaping closures can share it.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value {
        get { mutex.withLock { $0 } }
        set { mutex.withLock { $0 = newValue } }
    }
}

/// Text frames to send, in order, within the spec's limit of 10 incoming messages a second per
/// connection (kept over 1.25 s, so network jitter can never make the server count 11 in one of
/// its seconds). The limit counts the moments frames are actually written, on the event loop.
final class OutboundQueue {
    static let maxMessages = 10
    static let window = TimeAmount.milliseconds(1_250)
    private let channel: any Channel
    private var waiting: Deque<(text: String, written: (Bool) -> Void)> = []
    private var sent: Deque<NIODeadline> = []
    private var scheduled: Scheduled<Void>?

    init(channel: any Channel) { self.channel = channel }

    /// Queues a frame; `written` says whether it went out.
    func enqueue(_ text: String, written: @escaping (Bool) -> Void) {
        waiting.append((text, written))
        drain()
    }

    private func drain() {
        while let next = waiting.first {
            let now = NIODeadline.now()
            while let first = sent.first, now - first >= Self.window { sent.removeFirst() }
            if sent.count >= Self.maxMessages {
                if scheduled == nil {
                    let due = sent[sent.count - Self.maxMessages] + Self.window
                    let channel = self.channel
                    scheduled = channel.eventLoop.scheduleTask(deadline: due) { [weak self] in
                        self?.scheduled = nil
                        self?.drain()
                    }
                }
                return
            }
            waiting.removeFirst()
            sent.append(now)
            var buffer = channel.allocator.buffer(capacity: next.text.utf8.count)
            buffer.writeString(next.text)
            let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: buffer)
            let promise = channel.eventLoop.makePromise(of: Void.self)
            channel.writeAndFlush(frame, promise: promise)
            let written = next.written
            promise.futureResult.whenComplete { written((try? $0.get()) != nil) }
        }
    }
}
