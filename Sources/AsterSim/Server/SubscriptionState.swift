import AsterKit

/// The streams one connection listens to, and whether payloads are wrapped (combined).
public struct SubscriptionState: Sendable, Hashable {
    /// The spec's per-connection limit.
    public static let maxStreams = 200

    /// Subscribed stream names, in subscription order.
    public private(set) var streams: [String] = []
    /// `true` when payloads are wrapped as `{"stream","data"}`.
    public var combined: Bool

    /// Creates a state.
    public init(streams: [String] = [], combined: Bool) {
        self.combined = combined
        for s in streams where !self.streams.contains(s) { self.streams.append(s) }
    }

    /// Adds streams; fails (changing nothing) past ``maxStreams``.
    mutating func subscribe(_ names: [String]) -> Bool {
        let new = names.filter { !streams.contains($0) }
        guard streams.count + Set(new).count <= Self.maxStreams else { return false }
        for n in new where !streams.contains(n) { streams.append(n) }
        return true
    }

    /// Removes streams.
    mutating func unsubscribe(_ names: [String]) {
        streams.removeAll { names.contains($0) }
    }
}
