import Foundation
import Logging
import NIOCore
import NIOSSL
import Synchronization
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
    /// Age at which a connection is replaced by a fresh one opened beside it (Aster closes
    /// connections at 24 hours); `nil` never rolls over. Default: 23 h 30 min.
    public var rolloverAfter: Duration?
    /// Strings never to show in a reason or a log line (a listen key in the URL, say): each is
    /// replaced by its first and last four characters.
    public var redacting: [String] = []
    /// TLS settings for `wss://` (custom trust roots, client certificates); `nil` uses the
    /// system's trust roots.
    public var tlsConfiguration: TLSConfiguration?

    /// Creates settings; the defaults suit Aster's production servers.
    public init(
        staleTimeout: Duration = .seconds(60), backoff: Backoff = Backoff(), maxFrameSize: Int = 8 << 20,
        reconnect: Bool = true, bufferLimit: Int = 10_000, recorder: StreamRecorder? = nil,
        requestTimeout: Duration = .seconds(10), healthyPeriod: Duration = .seconds(30),
        rolloverAfter: Duration? = .seconds(23 * 3600 + 30 * 60)
    ) {
        self.rolloverAfter = rolloverAfter
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
        let task = Task { [self] in
            await run { event in
                if case .dropped = continuation.yield(event) { counters.dropped() }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Connects and hands every event to `emit`, on the socket reader's task, until the calling
    /// task is cancelled (then `.state(.stopped)` is the last event). `emit` must not wait: it is
    /// how ``StreamClient`` fans events out without an extra queue.
    public func run(emit: @escaping @Sendable (StreamEvent) -> Void) async {
        await runLoop(emit: emit)
        emit(.state(.stopped))
    }

    private func runLoop(emit: @escaping @Sendable (StreamEvent) -> Void) async {
        var attempt = 0
        while !Task.isCancelled {
            emit(.state(.connecting))
            let started = ContinuousClock.now
            let outcome = await runGeneration(emit: emit)
            if Task.isCancelled { return }
            // Only a connection that stayed healthy for a while resets the backoff, so a server
            // that accepts and drops at once is not hammered.
            if outcome.receivedFrames && ContinuousClock.now - started >= configuration.healthyPeriod { attempt = 0 }
            let reason = configuration.redacting.reduce(outcome.reason) {
                $0.replacingOccurrences(of: $1, with: Credentials.redact($1))
            }
            emit(.state(.disconnected(reason: reason)))
            logger.info("stream disconnected", metadata: ["reason": "\(reason)"])
            guard configuration.reconnect else { return }
            attempt += 1
            counters.reconnect()
            let delay = configuration.backoff.delay(attempt: attempt, random: Double.random(in: 0...1))
            emit(.state(.reconnecting(attempt: attempt, delay: delay)))
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    private struct Stale: Error {}

    typealias Outcome = (reason: String, receivedFrames: Bool)

    /// What one connection tells the generation that runs it.
    enum Signal: Sendable {
        case opened(id: Int, writer: WebSocketOutboundWriter)
        case firstFrame(id: Int)
        /// A frame arrived on both connections: the old one has delivered everything sent before
        /// the successor subscribed, so it can go.
        case overlapProven
        /// The successor has delivered for a while with no common frame (quiet streams): go anyway.
        case retireDue(id: Int)
        case dueForRollover(id: Int)
        case ended(id: Int, outcome: Outcome)
    }

    /// Runs one connection and, whenever it nears its age limit, a successor opened beside it:
    /// once the successor delivers, the old one is closed, and frames both carried during the
    /// overlap are delivered once. Returns when the live connection ends with no successor.
    private func runGeneration(emit: @escaping @Sendable (StreamEvent) -> Void) async -> Outcome {
        let (signals, signal) = AsyncStream.makeStream(of: Signal.self)
        let overlap = OverlapFilter()
        var tasks: [Int: Task<Void, Never>] = [:]
        var writers: [Int: WebSocketOutboundWriter] = [:]
        var current = 1
        var successor: Int?
        var lastID = 1
        var receivedFrames = false
        let session = self.session
        func open(_ id: Int) {
            tasks[id] = Task { [self] in
                let outcome = await connectOnce(id: id, overlap: overlap, signal: signal, emit: emit)
                signal.yield(.ended(id: id, outcome: outcome))
            }
        }
        func promote(_ id: Int) {
            current = id
            successor = nil
            session.attach(writers[id])
        }
        func retire(promoting next: Int) {
            let old = current
            promote(next)
            tasks[old]?.cancel()
            overlap.retire(after: .seconds(5))
            logger.info("stream rolled over to a fresh connection", metadata: ["age": "\(configuration.rolloverAfter.map { "\($0)" } ?? "-")"])
            emit(.state(.rolledOver))
        }
        open(current)
        return await withTaskCancellationHandler {
            defer {
                tasks.values.forEach { $0.cancel() }
                session.attach(nil)
                session.failAll(LiveRequestError.notConnected)
            }
            for await event in signals {
                switch event {
                case .opened(let id, let writer):
                    writers[id] = writer
                    if id == current { session.attach(writer) }
                case .firstFrame(let id):
                    receivedFrames = true
                    guard id == successor else { break }
                    // Not yet: the old connection may still hold frames sent before the successor
                    // subscribed. It goes once a frame has come on both (or after a quiet while).
                    Task {
                        try? await Task.sleep(for: .seconds(30))
                        signal.yield(.retireDue(id: id))
                    }
                case .overlapProven:
                    guard let next = successor, writers[next] != nil else { break }
                    retire(promoting: next)
                case .retireDue(let id):
                    guard id == successor else { break }
                    retire(promoting: id)
                case .dueForRollover(let id):
                    guard id == current, successor == nil, !Task.isCancelled else { break }
                    lastID += 1
                    successor = lastID
                    overlap.begin()
                    open(lastID)
                case .ended(let id, let outcome):
                    tasks[id] = nil
                    writers[id] = nil
                    if id == successor {
                        // The successor failed; the old connection goes on until it ends.
                        successor = nil
                    } else if id == current {
                        if let next = successor {
                            // Closed during the overlap (the server's age limit): the successor
                            // takes over at once.
                            promote(next)
                            overlap.retire(after: .seconds(5))
                            emit(.state(.rolledOver))
                        } else {
                            return (outcome.reason, receivedFrames || outcome.receivedFrames)
                        }
                    }
                }
            }
            return ("stopped", receivedFrames)
        } onCancel: {
            signal.finish()
        }
    }

    private func connectOnce(
        id: Int, overlap: OverlapFilter, signal: AsyncStream<Signal>.Continuation,
        emit: @escaping @Sendable (StreamEvent) -> Void
    ) async -> Outcome {
        let decoder = EventDecoder()
        let counters = self.counters
        let framesBefore = counters.snapshot.frames
        let config = configuration
        let logger = self.logger
        let session = self.session
        let liveStreams = base != nil ? session.streams.count : nil
        var wsConfig = WebSocketClientConfiguration(maxFrameSize: config.maxFrameSize, closeTimeout: .seconds(2))
        wsConfig.autoPing = .disabled
        do {
            let close = try await WebSocketClient.connect(url: currentURL, configuration: wsConfig,
                                                          tlsConfiguration: config.tlsConfiguration, logger: logger) {
                inbound, outbound, _ in
                signal.yield(.opened(id: id, writer: outbound))
                counters.touch(at: .now)
                emit(.state(.connected))
                if let liveStreams, liveStreams > 0 { emit(.state(.subscribed(streams: liveStreams))) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var first = true
                        for try await message in inbound.messages(maxSize: config.maxFrameSize) {
                            if first {
                                first = false
                                signal.yield(.firstFrame(id: id))
                            }
                            switch message {
                            case .text(let text):
                                counters.frame(bytes: text.utf8.count, at: .now)
                                guard overlap.isFirstDelivery(text) else {
                                    signal.yield(.overlapProven)
                                    continue
                                }
                                config.recorder?.record(text, receivedAt: Int64(Date().timeIntervalSince1970 * 1000))
                                do throws(DecodingFailure) {
                                    let message = try decoder.decode(text)
                                    let answered = session.resolve(message.event)
                                    emit(.message(message))
                                    // A confirmed (UN)SUBSCRIBE: report what the connection now carries.
                                    if answered, liveStreams != nil, case .subscriptionReply(let reply) = message.event,
                                       reply.result == .null {
                                        emit(.state(.subscribed(streams: session.streams.count)))
                                    }
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
                    if let age = config.rolloverAfter {
                        group.addTask {
                            try await Task.sleep(for: age)
                            signal.yield(.dueForRollover(id: id))
                            try await Task.sleep(for: .seconds(Int64.max / 4))
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

/// Delivers each frame once while two connections overlap during a rollover: both carry the
/// same events for a while, and the second copy of a frame is dropped. Idle (no hashing) the
/// rest of the time.
final class OverlapFilter: Sendable {
    private struct State {
        var active = false
        var until: ContinuousClock.Instant?
        var seen: Set<Int> = []
        var order: [Int] = []
        var head = 0
    }

    private let state = Mutex(State())
    /// Lock-free check for the common case: no rollover under way.
    private let active = Atomic<Bool>(false)
    /// Frames remembered; far more than two connections can disagree by.
    static let capacity = 65_536

    /// Starts remembering frames (a successor is opening).
    func begin() {
        state.withLock { s in
            s = State()
            s.active = true
        }
        active.store(true, ordering: .releasing)
    }

    /// Stops remembering `grace` from now (the successor took over).
    func retire(after grace: Duration) {
        state.withLock { $0.until = .now + grace }
    }

    /// Whether this frame should be delivered: always outside an overlap; during one, only the
    /// first copy.
    func isFirstDelivery(_ text: String) -> Bool {
        guard active.load(ordering: .acquiring) else { return true }
        return state.withLock { s in
            guard s.active else { return true }
            if let until = s.until, ContinuousClock.now >= until {
                s = State()
                active.store(false, ordering: .releasing)
                return true
            }
            let key = text.hashValue
            guard s.seen.insert(key).inserted else { return false }
            if s.order.count < Self.capacity {
                s.order.append(key)
            } else {
                s.seen.remove(s.order[s.head])
                s.order[s.head] = key
                s.head = (s.head + 1) % Self.capacity
            }
            return true
        }
    }
}
