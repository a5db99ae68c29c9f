/// Exponential backoff with jitter and a cap: the one retry mechanism of the library. Every
/// retry loop (a shard's reconnects, the user data stream's, ``LiveAccount``'s snapshots,
/// ``OrderBookManager``'s snapshots, ``RESTClient``'s idempotent retries) draws its delays from a
/// ``Backoff`` and waits them out through ``Retries``.
///
/// The first retry comes within ``initial``, later ones double up to ``maximum``; each delay is
/// drawn uniformly from the upper half of its step (the jitter spreads clients that failed
/// together). Waits run on ``clock``, so a test passes a manual clock and advances time instead
/// of sleeping; cancelling the waiting task ends a wait at once.
///
/// ```swift
/// var retries = Backoff(initial: .milliseconds(500), maximum: .seconds(30)).retries()
/// while !Task.isCancelled {
///     do { try await work(); retries.reset() } catch {
///         guard await retries.wait() else { break }   // false: cancelled
///     }
/// }
/// ```
public struct Backoff: Sendable {
    /// Upper bound of the first delay.
    public var initial: Duration
    /// Cap on every delay.
    public var maximum: Duration
    /// The clock waits run on (`ContinuousClock` unless a test injects its own).
    public var clock: any Clock<Duration>
    /// The jitter source: a number in 0...1 per delay (`Double.random` unless injected).
    public var jitter: @Sendable () -> Double

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - initial: upper bound of the first delay.
    ///   - maximum: cap on every delay.
    ///   - clock: the clock waits run on.
    ///   - jitter: returns a number in 0...1 for each delay (values outside are clamped).
    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30),
                clock: any Clock<Duration> = ContinuousClock(),
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.initial = initial
        self.maximum = maximum
        self.clock = clock
        self.jitter = jitter
    }

    /// The delay before attempt `attempt` (1-based), with jitter from `random` in 0...1.
    public func delay(attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(initial * Double(1 << exponent), maximum)
        return ceiling * (0.5 + 0.5 * min(max(random.isNaN ? 1 : random, 0), 1))
    }

    /// A fresh retry state (no failure yet) following this policy.
    public func retries() -> Retries { Retries(policy: self) }

    /// Waits `delay` on ``clock``; `false` when the waiting task was cancelled (at once, not
    /// when the delay has passed).
    public func sleep(for delay: Duration) async -> Bool {
        do {
            try await Self.sleep(clock, delay)
            return !Task.isCancelled
        } catch {
            return false
        }
    }

    private static func sleep<C: Clock>(_ clock: C, _ delay: Duration) async throws where C.Duration == Duration {
        try await clock.sleep(until: clock.now.advanced(by: delay), tolerance: nil)
    }

    private static func stopwatch<C: Clock>(_ clock: C) -> @Sendable () -> Duration where C.Duration == Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// The running state of one retry loop: counts consecutive failures, gives the next delay,
    /// waits it out on the policy's clock, and starts over after a success.
    public struct Retries: Sendable {
        /// The policy the delays follow.
        public let policy: Backoff
        /// Consecutive failures so far (the 1-based number of the retry the last delay preceded).
        public private(set) var attempt = 0
        private var elapsed: (@Sendable () -> Duration)?

        init(policy: Backoff) { self.policy = policy }

        /// A success: the next failure waits the first, shortest delay again.
        public mutating func reset() {
            attempt = 0
        }

        /// Notes that an attempt starts now; ``failed(resettingAfter:)`` can then tell how long
        /// it lasted (on the policy's clock).
        public mutating func begin() {
            elapsed = Backoff.stopwatch(policy.clock)
        }

        /// How long the attempt begun by ``begin()`` has lasted; zero without one.
        public var attemptDuration: Duration { elapsed?() ?? .zero }

        /// Counts a failure and returns the delay to wait before the next attempt. An attempt
        /// that lasted at least `healthyPeriod` (since ``begin()``) counts as a success first, so a
        /// connection that stayed up a while starts the backoff over while a server that
        /// accepts and drops at once is not hammered.
        public mutating func failed(resettingAfter healthyPeriod: Duration? = nil) -> Duration {
            if let healthyPeriod, elapsed != nil, attemptDuration >= healthyPeriod { reset() }
            elapsed = nil
            attempt += 1
            return policy.delay(attempt: attempt, random: policy.jitter())
        }

        /// Waits `delay` on the policy's clock; `false` when cancelled.
        public func sleep(for delay: Duration) async -> Bool { await policy.sleep(for: delay) }

        /// Counts a failure and waits its delay; `false` when cancelled.
        public mutating func wait() async -> Bool {
            await sleep(for: failed())
        }
    }
}
