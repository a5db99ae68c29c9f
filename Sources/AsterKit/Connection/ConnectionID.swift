/// Which connection an event concerns: the shard (one per 200 streams) and the connection's
/// generation within it (a reconnect or a rollover makes a new generation).
public struct ConnectionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The shard, from 0.
    public var shard: Int
    /// The connection's number within its shard, from 1.
    public var generation: Int

    /// Creates an identifier.
    public init(shard: Int, generation: Int) {
        self.shard = shard
        self.generation = generation
    }

    public var description: String { "#\(shard).\(generation)" }

    public static func < (a: ConnectionID, b: ConnectionID) -> Bool {
        (a.shard, a.generation) < (b.shard, b.generation)
    }
}
