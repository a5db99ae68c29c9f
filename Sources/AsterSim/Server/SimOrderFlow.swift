/// How many order-flow actions each market tick runs, so that the flow keeps `rate` a second
/// however late the ticks wake: a tick runs the actions due since the one before (fractions carry
/// over), and a stall is made up for at most ``maxCatchUp`` at once. A pure value: the caller
/// passes the time.
struct SimOrderFlow: Sendable {
    /// The longest stretch of missed time a single tick makes up for.
    static let maxCatchUp = Duration.milliseconds(100)

    let rate: Int
    private var last: ContinuousClock.Instant
    /// Actions due but not yet run, in millionths of an action.
    private var owed: UInt64 = 0

    init(rate: Int, start: ContinuousClock.Instant) {
        self.rate = max(0, rate)
        self.last = start
    }

    /// The actions due at a tick at `now`.
    mutating func due(at now: ContinuousClock.Instant) -> Int {
        let elapsed = min(max(now - last, .zero), Self.maxCatchUp)
        last = now
        let (seconds, attoseconds) = elapsed.components
        owed += UInt64(rate) * (UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000))
        defer { owed %= 1_000_000 }
        return Int(owed / 1_000_000)
    }
}
