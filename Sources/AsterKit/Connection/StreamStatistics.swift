import Synchronization

/// Counters of one stream, for the status bar and for users.
public struct StreamStatistics: Sendable, Hashable {
    /// Frames received.
    public var frames: Int = 0
    /// Bytes received.
    public var bytes: Int = 0
    /// Frames that failed to decode (counted and logged, never fatal).
    public var decodeErrors: Int = 0
    /// Elements of array payloads (`!ticker@arr`, …) left out because they did not decode, while
    /// the rest of their frame was delivered (see ``StreamMessage/skippedElements``).
    public var skippedElements: Int = 0
    /// Events dropped because a consumer fell behind its bounded buffer.
    public var dropped: Int = 0
    /// Reconnects so far.
    public var reconnects: Int = 0
    /// Connections replaced before their age limit, with no gap.
    public var rollovers: Int = 0
    /// Connections torn down for silence.
    public var staleDisconnects: Int = 0
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

    /// Adds what one socket read brought.
    func add(frames: Int, bytes: Int, decodeErrors: Int, skippedElements: Int = 0, at instant: ContinuousClock.Instant) {
        state.withLock {
            $0.frames += frames
            $0.bytes += bytes
            $0.decodeErrors += decodeErrors
            $0.skippedElements += skippedElements
            if frames > 0 { $0.lastFrameAt = instant }
        }
    }

    func stale() { state.withLock { $0.staleDisconnects += 1 } }
    func rollover() { state.withLock { $0.rollovers += 1 } }
    func decodeError() { state.withLock { $0.decodeErrors += 1 } }
    func reconnect() { state.withLock { $0.reconnects += 1 } }
    func roundTrip(_ d: Duration) { state.withLock { $0.roundTrip = d } }
}

/// Throughput over an interval.
public struct StreamRates: Sendable, Hashable {
    /// Frames received per second.
    public var framesPerSecond: Double
    /// Bytes received per second.
    public var bytesPerSecond: Double

    /// Creates rates.
    public init(framesPerSecond: Double = 0, bytesPerSecond: Double = 0) {
        self.framesPerSecond = framesPerSecond
        self.bytesPerSecond = bytesPerSecond
    }
}

extension StreamStatistics {
    /// Frames and bytes per second between `earlier` and these counters, `elapsed` apart.
    public func rates(since earlier: StreamStatistics, over elapsed: Duration) -> StreamRates {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds > 0 else { return StreamRates() }
        return StreamRates(framesPerSecond: Double(frames - earlier.frames) / seconds,
                           bytesPerSecond: Double(bytes - earlier.bytes) / seconds)
    }
}

/// Turns successive counter readings into rates over a sliding window of at least `window`.
public final class RateMeter: Sendable {
    private let window: Duration
    private let samples = Mutex<[(at: ContinuousClock.Instant, stats: StreamStatistics)]>([])

    /// Creates a meter averaging over at least `window` once that much history exists.
    public init(window: Duration = .seconds(1)) { self.window = window }

    /// Records `stats` read now and returns the rates since the newest reading at least `window`
    /// old (or the oldest there is).
    public func rates(_ stats: StreamStatistics, at now: ContinuousClock.Instant = .now) -> StreamRates {
        samples.withLock { samples in
            samples.append((now, stats))
            // Keep the newest sample that is at least a window old, and everything after it.
            if let keep = samples.lastIndex(where: { now - $0.at >= window }), keep > 0 { samples.removeFirst(keep) }
            guard let base = samples.first, base.at < now else { return StreamRates() }
            return stats.rates(since: base.stats, over: now - base.at)
        }
    }
}
