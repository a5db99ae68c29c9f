import Foundation
import Logging
import NIOCore
import WSClient

/// What a ``MarketStream`` delivers: decoded messages, decode failures and state changes.
public enum StreamEvent: Sendable {
    /// A decoded frame.
    case message(StreamMessage)
    /// A frame that could not be decoded (already counted and logged).
    case decodeFailure(DecodingFailure)
    /// The connection changed state.
    case state(ConnectionState)
}

/// Why a live request got no reply.
public enum LiveRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No reply within ``StreamConfiguration/requestTimeout``.
    case timeout(id: Int64)
    /// The connection is not open (or closed while waiting).
    case notConnected

    public var description: String {
        switch self {
        case .timeout(let id): "no reply to request \(id) in time"
        case .notConnected: "the stream is not connected"
        }
    }
}

/// Settings of a ``MarketStream``.
public struct StreamConfiguration: Sendable {
    /// Reconnect when no frame arrives for this long.
    public var staleTimeout: Duration
    /// Delays between reconnect attempts.
    public var backoff: Backoff
    /// Largest accepted frame, in bytes.
    public var maxFrameSize: Int
    /// Whether to reconnect after a close or error.
    public var reconnect: Bool
    /// Events buffered for a slow consumer; beyond this the oldest are dropped and counted.
    public var bufferLimit: Int
    /// Where every received raw frame is recorded, if anywhere.
    public var recorder: StreamRecorder?
    /// How long a live request waits for its reply.
    public var requestTimeout: Duration
    /// A connection that stayed up this long resets the backoff to its first step.
    public var healthyPeriod: Duration

    /// Creates settings; the defaults suit Aster's production servers.
    public init(
        staleTimeout: Duration = .seconds(60), backoff: Backoff = Backoff(), maxFrameSize: Int = 8 << 20,
        reconnect: Bool = true, bufferLimit: Int = 10_000, recorder: StreamRecorder? = nil,
        requestTimeout: Duration = .seconds(10), healthyPeriod: Duration = .seconds(30)
    ) {
        self.healthyPeriod = healthyPeriod
        self.recorder = recorder
        self.requestTimeout = requestTimeout
        self.staleTimeout = staleTimeout
        self.backoff = backoff
        self.maxFrameSize = maxFrameSize
        self.reconnect = reconnect
        self.bufferLimit = bufferLimit
    }
}

/// One websocket stream with automatic reconnection and an inactivity watchdog.
///
/// ```swift
/// let stream = MarketStream(url: AsterEndpoint.combined(base: AsterEndpoint.productionWebSocket,
///                                                       streams: [.aggTrade(symbol: "btcusdt")]))
/// for await event in stream.events() {
///     if case .message(let m) = event, case .aggregateTrade(let t) = m.event { print(t.price) }
/// }
/// ```
public struct MarketStream: Sendable {
    /// The websocket URL (`ws://` or `wss://`) for a fixed stream; `nil` for a live combined stream.
    public let url: String?
    /// The base URL of a live combined stream.
    public let base: String?
    /// Settings.
    public let configuration: StreamConfiguration
    /// Counters, updated live.
    public let counters = StreamCounters()
    private let logger: Logger
    private let session: LiveSession

    /// Creates a stream on a fixed URL; nothing connects until ``events()`` is iterated.
    public init(url: String, configuration: StreamConfiguration = .init(),
                logger: Logger = Logger(label: "AsterKit.MarketStream")) {
        self.url = url
        self.base = nil
        self.configuration = configuration
        self.logger = logger
        self.session = LiveSession(streams: [])
    }

    /// Creates a live combined stream: it connects to `<base>/stream?streams=…` and can change
    /// its streams with ``subscribe(_:)`` and ``unsubscribe(_:)`` without reconnecting. After a
    /// reconnect it carries the streams subscribed at that moment.
    ///
    /// - Parameters:
    ///   - base: the websocket base URL, e.g. ``AsterEndpoint/productionWebSocket``.
    ///   - streams: the streams to start with.
    public init(base: String, streams: [StreamName], configuration: StreamConfiguration = .init(),
                logger: Logger = Logger(label: "AsterKit.MarketStream")) {
        self.url = nil
        self.base = base
        self.configuration = configuration
        self.logger = logger
        self.session = LiveSession(streams: streams)
    }

    /// The streams a live combined stream carries (or will carry after reconnecting).
    public var streams: [StreamName] { session.streams }

    /// Adds streams on the open connection (`SUBSCRIBE`); also remembered for reconnects.
    public func subscribe(_ streams: [StreamName]) async throws {
        try await change(subscribe: streams, unsubscribe: [])
    }

    /// Removes streams on the open connection (`UNSUBSCRIBE`); also remembered for reconnects.
    public func unsubscribe(_ streams: [StreamName]) async throws {
        try await change(subscribe: [], unsubscribe: streams)
    }

    /// Swaps streams in one step: unsubscribe `old`, subscribe `new`, never more than 10
    /// outbound messages per second. Each request waits for its `{"result":…,"id":…}` reply.
    ///
    /// - Throws: ``ServerError`` when the server refuses a request, ``LiveRequestError`` on timeout
    ///   or disconnect. The streams are remembered either way and carried after a reconnect.
    public func change(subscribe: [StreamName], unsubscribe: [StreamName]) async throws {
        let (writer, requests) = session.change(subscribe: subscribe, unsubscribe: unsubscribe)
        guard let writer else { return }
        for request in requests { _ = try await send(request, writer: writer) }
    }

    /// `LIST_SUBSCRIPTIONS` on the open connection.
    public func listSubscriptions() async throws -> [String] {
        guard let writer = session.writer else { throw LiveRequestError.notConnected }
        let reply = try await send(.listSubscriptions(id: session.nextRequestId()), writer: writer)
        guard case .streams(let names) = reply.result else { return [] }
        return names
    }

    /// Sends a request and waits for its reply, within the outbound rate limit.
    private func send(_ request: LiveRequest, writer: WebSocketOutboundWriter) async throws -> SubscriptionReply {
        let wait = session.reserveSendSlot()
        if wait > .zero { try await Task.sleep(for: wait) }
        let session = self.session
        let timeout = configuration.requestTimeout
        let sentAt = ContinuousClock.now
        // The timer fails the request if no reply comes; it is cancelled as soon as one does.
        let timer = Task {
            try await Task.sleep(for: timeout)
            session.fail(request.id, LiveRequestError.timeout(id: request.id))
        }
        defer { timer.cancel() }
        let reply = try await withCheckedThrowingContinuation { continuation in
            session.register(request.id, continuation)
            Task {
                do {
                    try await writer.write(.text(request.jsonText))
                } catch {
                    session.fail(request.id, LiveRequestError.notConnected)
                }
            }
        }
        counters.roundTrip(ContinuousClock.now - sentAt)
        return reply
    }

    private var currentURL: String {
        url ?? AsterEndpoint.combined(base: base ?? "", streams: session.streams)
    }

    /// Connects and delivers events until the consumer stops iterating.
    ///
    /// The sequence buffers at most ``StreamConfiguration/bufferLimit`` events: a slow consumer
    /// loses the oldest ones (counted in ``StreamStatistics/dropped``), never blocks the socket.
    public func events() -> AsyncStream<StreamEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: StreamEvent.self, bufferingPolicy: .bufferingNewest(configuration.bufferLimit))
        let counters = self.counters
        let emit: @Sendable (StreamEvent) -> Void = { event in
            if case .dropped = continuation.yield(event) { counters.dropped() }
        }
        let task = Task { [self] in
            await runLoop(emit: emit)
            continuation.yield(.state(.stopped))
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func runLoop(emit: @escaping @Sendable (StreamEvent) -> Void) async {
        var attempt = 0
        while !Task.isCancelled {
            emit(.state(.connecting))
            let started = ContinuousClock.now
            let outcome = await connectOnce(emit: emit)
            if Task.isCancelled { return }
            // Only a connection that stayed healthy for a while resets the backoff, so a server
            // that accepts and drops at once is not hammered.
            if outcome.receivedFrames && ContinuousClock.now - started >= configuration.healthyPeriod { attempt = 0 }
            emit(.state(.disconnected(reason: outcome.reason)))
            logger.info("stream disconnected", metadata: ["reason": "\(outcome.reason)"])
            guard configuration.reconnect else { return }
            attempt += 1
            counters.reconnect()
            let delay = configuration.backoff.delay(attempt: attempt, random: Double.random(in: 0...1))
            emit(.state(.reconnecting(attempt: attempt, delay: delay)))
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    private struct Stale: Error {}

    private func connectOnce(emit: @escaping @Sendable (StreamEvent) -> Void) async -> (reason: String, receivedFrames: Bool) {
        let decoder = EventDecoder()
        let counters = self.counters
        let framesBefore = counters.snapshot.frames
        let config = configuration
        let logger = self.logger
        var wsConfig = WebSocketClientConfiguration(maxFrameSize: config.maxFrameSize, closeTimeout: .seconds(2))
        wsConfig.autoPing = .disabled
        do {
            let session = self.session
            defer {
                session.attach(nil)
                session.failAll(LiveRequestError.notConnected)
            }
            let close = try await WebSocketClient.connect(url: currentURL, configuration: wsConfig, logger: logger) {
                inbound, outbound, _ in
                session.attach(outbound)
                counters.touch(at: .now)
                emit(.state(.connected))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: config.maxFrameSize) {
                            switch message {
                            case .text(let text):
                                counters.frame(bytes: text.utf8.count, at: .now)
                                config.recorder?.record(text, receivedAt: Int64(Date().timeIntervalSince1970 * 1000))
                                do throws(DecodingFailure) {
                                    let message = try decoder.decode(text)
                                    session.resolve(message.event)
                                    emit(.message(message))
                                } catch {
                                    counters.decodeError()
                                    logger.warning("undecodable frame", metadata: ["error": "\(error)"])
                                    emit(.decodeFailure(error))
                                }
                            case .binary(let buffer):
                                counters.frame(bytes: buffer.readableBytes, at: .now)
                                counters.decodeError()
                                emit(.decodeFailure(DecodingFailure(.binaryFrame, offset: 0)))
                            }
                        }
                    }
                    group.addTask {
                        let tick = min(config.staleTimeout / 4, .seconds(1))
                        while true {
                            try await Task.sleep(for: tick)
                            if let age = counters.snapshot.lastFrameAge(), age > config.staleTimeout { throw Stale() }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
            let reason = close.map { "closed by server: \($0.closeCode)\($0.reason.map { " \($0)" } ?? "")" } ?? "closed"
            return (reason, counters.snapshot.frames > framesBefore)
        } catch is Stale {
            emit(.state(.stale))
            return ("no frame for \(config.staleTimeout)", counters.snapshot.frames > framesBefore)
        } catch {
            return ("\(error)", counters.snapshot.frames > framesBefore)
        }
    }
}
