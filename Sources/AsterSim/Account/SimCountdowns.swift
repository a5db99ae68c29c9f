/// The armed `countdownCancelAll` timers ("dead man's switches"): at most one per account and
/// symbol, each a deadline in server milliseconds. A pure value: arming, disarming and asking
/// what is due at a given time need no clock, so it is tested without waiting.
struct SimCountdowns: Sendable {
    /// An account's timer for one symbol.
    struct Key: Hashable, Sendable {
        var account: Int
        var symbol: String
    }

    /// Deadlines by timer.
    private(set) var deadlines: [Key: Int64] = [:]

    /// Arms (replaces) the timer of `account` and `symbol` to fire `countdown` ms after `now`;
    /// a countdown of 0 stops it, as the spec says.
    mutating func arm(account: Int, symbol: String, countdown: Int64, now: Int64) {
        let key = Key(account: account, symbol: symbol)
        let (sum, overflow) = now.addingReportingOverflow(countdown)
        deadlines[key] = countdown == 0 ? nil : overflow ? .max : sum
    }

    /// The timers whose deadline has come by `now`, removed (each fires once), in deadline order.
    mutating func due(at now: Int64) -> [Key] {
        let fired = deadlines.filter { $0.value <= now }.sorted { ($0.value, $0.key.account, $0.key.symbol) < ($1.value, $1.key.account, $1.key.symbol) }
        for (key, _) in fired { deadlines[key] = nil }
        return fired.map(\.key)
    }
}
