import Synchronization

/// Counters of one stream, for the status bar and for users.
public struct StreamStatistics: Sendable, Hashable {
    /// Frames received.
    public var frames: Int = 0
    /// Bytes received.
    public var bytes: Int = 0
    /// Frames that failed to decode (counted and logged, never fatal).
    public var decodeErrors: Int = 0
    /// Events dropped because a consumer fell behind its bounded buffer.
    public var dropped: Int = 0
    /// Reconnects so far.
    public var reconnects: Int = 0
    /// When the last frame arrived.
    public var lastFrameAt: ContinuousClock.Instant?
    /// Round trip of the last live request (request sent → reply received), a latency estimate.
    public var roundTrip: Duration?

    /// Creates empty counters.
    public init() {}

    /// Time since the last frame, or `nil` before the first.
    public func lastFrameAge(now: ContinuousClock.Instant = .now) -> Duration? {
        lastFrameAt.map { now - $0 }
    }
}

/// Thread-safe counters shared by a stream's reader and its observers.
public final class StreamCounters: Sendable {
    private let state = Mutex(StreamStatistics())

    /// Creates counters.
    public init() {}

    /// A copy of the counters now.
    public var snapshot: StreamStatistics { state.withLock { $0 } }

    func frame(bytes: Int, at instant: ContinuousClock.Instant) {
        state.withLock {
            $0.frames += 1
            $0.bytes += bytes
            $0.lastFrameAt = instant
        }
    }

    func touch(at instant: ContinuousClock.Instant) { state.withLock { $0.lastFrameAt = instant } }
    func decodeError() { state.withLock { $0.decodeErrors += 1 } }
    func dropped() { state.withLock { $0.dropped += 1 } }
    func reconnect() { state.withLock { $0.reconnects += 1 } }
    func roundTrip(_ d: Duration) { state.withLock { $0.roundTrip = d } }
}
