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

    /// Creates settings; the defaults suit Aster's production servers.
    public init(
        staleTimeout: Duration = .seconds(60), backoff: Backoff = Backoff(), maxFrameSize: Int = 8 << 20,
        reconnect: Bool = true, bufferLimit: Int = 10_000, recorder: StreamRecorder? = nil
    ) {
        self.recorder = recorder
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
    /// outbound messages per second.
    public func change(subscribe: [StreamName], unsubscribe: [StreamName]) async throws {
        let (writer, requests) = session.change(subscribe: subscribe, unsubscribe: unsubscribe)
        guard let writer else { return }
        for request in requests {
            let wait = session.reserveSendSlot()
            if wait > .zero { try await Task.sleep(for: wait) }
            try await writer.write(.text(request.jsonText))
        }
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
            let outcome = await connectOnce(emit: emit)
            if Task.isCancelled { return }
            if outcome.receivedFrames { attempt = 0 }
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
            defer { session.attach(nil) }
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
                                    emit(.message(try decoder.decode(text)))
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
