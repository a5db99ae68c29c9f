import Synchronization

/// A REST request-weight budget over a sliding minute, as the spec counts it
/// (`X-MBX-USED-WEIGHT-1M`): ``reserve(weight:)`` waits until a request fits. What the server
/// reports as used is taken into account too (other calls from the same IP count against it).
final class WeightBudget: Sendable {
    private struct State {
        var spent: [(at: ContinuousClock.Instant, weight: Int)] = []
        var reported: (at: ContinuousClock.Instant, used: Int)?
    }

    let perMinute: Int
    private let state = Mutex(State())
    private static let window = Duration.seconds(60)

    init(perMinute: Int) { self.perMinute = max(1, perMinute) }

    /// Waits until `weight` fits in the budget, then records it.
    func reserve(weight: Int) async throws {
        while true {
            let wait: Duration? = state.withLock { s in
                let now = ContinuousClock.now
                s.spent.removeAll { now - $0.at >= Self.window }
                if let r = s.reported, now - r.at >= Self.window { s.reported = nil }
                let local = s.spent.reduce(0) { $0 + $1.weight }
                let used = max(local, s.reported?.used ?? 0)
                if used + weight <= perMinute || (s.spent.isEmpty && s.reported == nil) {
                    s.spent.append((now, weight))
                    return nil
                }
                let oldest = s.spent.first.map { $0.at + Self.window - now } ?? .seconds(1)
                return min(max(oldest, .milliseconds(50)), .seconds(5))
            }
            guard let wait else { return }
            try await Task.sleep(for: wait)
        }
    }

    /// Takes the server's count of the weight used this minute.
    func observe(usedWeight: Int?) {
        guard let usedWeight else { return }
        state.withLock { $0.reported = (.now, usedWeight) }
    }

    /// Weight recorded over the last minute.
    var used: Int {
        state.withLock { s in
            let now = ContinuousClock.now
            return s.spent.filter { now - $0.at < Self.window }.reduce(0) { $0 + $1.weight }
        }
    }
}

extension DepthSnapshot {
    /// The request weight of a depth snapshot of `limit` levels, per the spec.
    public static func weight(limit: Int) -> Int {
        switch limit {
        case ...50: 2
        case ...100: 5
        case ...500: 10
        default: 20
        }
    }
}
