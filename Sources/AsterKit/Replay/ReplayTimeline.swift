/// What a user can ask of a replay while it plays.
public enum ReplayCommand: Sendable, Hashable {
    /// Pause, or resume where it paused.
    case togglePause
    case pause
    case resume
    /// While paused: play the next frame (with the frames recorded in the same millisecond).
    case step
    /// The next speed up or down the ladder (``ReplayTimeline/speeds``).
    case faster
    case slower
    /// Jump by this many recorded ms (negative: back).
    case seek(by: Int64)
    /// Jump to this recorded time (ms since the epoch).
    case seekTo(Int64)
    /// The consumer now folds something else (another symbol): forget the keyframes and rebuild
    /// it at the replay clock from the recording's start.
    case rebuild
}

/// How a replay stands, for a header or status line.
public struct ReplayStatus: Sendable, Hashable {
    /// The replay clock: recorded time (ms since the epoch) now.
    public var time: Int64
    /// Recorded seconds per real second.
    public var speed: Double
    public var paused: Bool
    /// The last frame has been played (a seek back plays on).
    public var finished: Bool
    /// A seek is rebuilding the state.
    public var seeking: Bool
    /// The recording's first and last times (ms), when known.
    public var start: Int64?
    public var end: Int64?
    /// Why the recording or its index is not all there (a damaged end, a malformed index that
    /// was rebuilt), or why the replay stopped.
    public var problem: String?

    /// Creates a status.
    public init(time: Int64 = 0, speed: Double = 1, paused: Bool = false, finished: Bool = false, seeking: Bool = false,
                start: Int64? = nil, end: Int64? = nil, problem: String? = nil) {
        self.time = time
        self.speed = speed
        self.paused = paused
        self.finished = finished
        self.seeking = seeking
        self.start = start
        self.end = end
        self.problem = problem
    }
}

/// The replay clock as a pure state machine: which recorded time is "now" on a given clock
/// instant, when a recorded frame is due, and how pause, speed and seeks move it. Generic over
/// the instant so tests drive it with a manual clock.
///
/// ```swift
/// var timeline = ReplayTimeline(start: firstFrameTime, at: clock.now)
/// timeline.faster(at: clock.now)                       // ×2
/// let due = timeline.due(frameTime)                    // when to deliver a frame
/// let now = timeline.time(at: clock.now)               // the replay clock
/// ```
public struct ReplayTimeline<Instant: InstantProtocol>: Sendable, Hashable where Instant.Duration == Duration {
    /// The speeds `<` and `>` step through.
    public static var speeds: [Double] { [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64] }

    /// Recorded seconds per real second.
    public private(set) var speed: Double
    public private(set) var paused = false
    /// The recorded time at `anchorInstant` (or, paused, the time it stays at).
    private var anchorTime: Int64
    private var anchorInstant: Instant

    /// Starts at recorded time `start` on clock instant `now`.
    public init(start: Int64, at now: Instant, speed: Double = 1) {
        anchorTime = start
        anchorInstant = now
        self.speed = speed.isFinite && speed > 0 ? min(max(speed, 0.001), 1_000_000) : 1
    }

    /// The replay clock at `now` (frozen while paused).
    public func time(at now: Instant) -> Int64 {
        guard !paused else { return anchorTime }
        let elapsed = anchorInstant.duration(to: now)
        let ms = (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15) * speed
        guard ms.isFinite, abs(ms) < 1e15 else { return anchorTime }
        let (t, overflow) = anchorTime.addingReportingOverflow(Int64(ms))
        return overflow ? anchorTime : t
    }

    /// When a frame recorded at `time` is due (`nil` while paused).
    public func due(_ time: Int64) -> Instant? {
        guard !paused else { return nil }
        let (gap, overflow) = time.subtractingReportingOverflow(anchorTime)
        // Times come from the file: a gap past a year (or an overflowing one) is taken as a year.
        let ms = overflow ? ReplaySource.longestGapMs : min(gap, ReplaySource.longestGapMs)
        return anchorInstant.advanced(by: .milliseconds(Double(ms) / speed))
    }

    /// Pauses at the clock's time now.
    public mutating func pause(at now: Instant) {
        guard !paused else { return }
        anchorTime = time(at: now)
        anchorInstant = now
        paused = true
    }

    /// Resumes from where it paused.
    public mutating func resume(at now: Instant) {
        guard paused else { return }
        anchorInstant = now
        paused = false
    }

    /// Moves the clock to `time` (paused or not).
    public mutating func seek(to time: Int64, at now: Instant) {
        anchorTime = time
        anchorInstant = now
    }

    /// Sets a new speed from the clock's time now on.
    public mutating func setSpeed(_ newSpeed: Double, at now: Instant) {
        guard newSpeed.isFinite, newSpeed > 0 else { return }
        anchorTime = time(at: now)
        anchorInstant = now
        speed = newSpeed
    }

    /// The next speed up the ladder (×64 at most).
    public mutating func faster(at now: Instant) {
        setSpeed(Self.speeds.first { $0 > speed } ?? Self.speeds[Self.speeds.count - 1], at: now)
    }

    /// The next speed down the ladder (×0.25 at least).
    public mutating func slower(at now: Instant) {
        setSpeed(Self.speeds.last { $0 < speed } ?? Self.speeds[0], at: now)
    }
}
