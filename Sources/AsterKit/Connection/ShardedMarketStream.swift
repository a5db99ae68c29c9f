import Logging
import Synchronization

/// A live combined stream over as many connections as it needs: Aster allows 200 streams per
/// connection, so streams are spread over shards of at most `maxStreamsPerConnection`, and their
/// events merged into one sequence.
///
/// ```swift
/// let all = ShardedMarketStream(base: AsterEndpoint.productionWebSocket, streams: fourHundredStreams)
/// for await event in all.events() { … }        // events of every shard, in arrival order
/// try await all.subscribe([.bookTicker(symbol: "ethusdt")])
/// ```
public final class ShardedMarketStream: Sendable {
    /// The websocket base URL.
    public let base: String
    /// Streams per connection at most (Aster's limit is 200).
    public let maxStreamsPerConnection: Int
    private let configuration: StreamConfiguration
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var shards: [MarketStream] = []
        /// Where events go while running; `nil` when stopped.
        var emit: (@Sendable (StreamEvent) -> Void)?
        var runners: [Task<Void, Never>] = []
    }

    /// Creates the stream; nothing connects until ``events()`` is iterated.
    public init(base: String, streams: [StreamName], maxStreamsPerConnection: Int = 200,
                configuration: StreamConfiguration = .init(), logger: Logger = Logger(label: "AsterKit.ShardedMarketStream")) {
        self.base = base
        self.maxStreamsPerConnection = max(1, maxStreamsPerConnection)
        self.configuration = configuration
        self.logger = logger
        var shards: [MarketStream] = []
        var unique: [StreamName] = []
        for s in streams where !unique.contains(s) { unique.append(s) }
        for start in stride(from: 0, to: unique.count, by: self.maxStreamsPerConnection) {
            let slice = Array(unique[start..<min(start + self.maxStreamsPerConnection, unique.count)])
            shards.append(MarketStream(base: base, streams: slice, configuration: configuration, logger: logger))
        }
        state = Mutex(State(shards: shards))
    }

    /// Connections in use.
    public var connectionCount: Int { state.withLock { $0.shards.count } }

    /// Every stream carried, shard by shard.
    public var streams: [[StreamName]] { state.withLock { $0.shards.map(\.streams) } }

    /// Counters of every connection.
    public var counters: [StreamStatistics] { state.withLock { $0.shards.map(\.counters.snapshot) } }

    /// The merged events of every connection (one consumer at a time).
    public func events() -> AsyncStream<StreamEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: StreamEvent.self, bufferingPolicy: .bufferingNewest(configuration.bufferLimit))
        start { event in continuation.yield(event) }
        continuation.onTermination = { [weak self] _ in self?.stop() }
        return stream
    }

    /// Runs every connection, handing their events to `emit` from each socket reader's task
    /// (so `emit` must be thread-safe and must not wait), until ``stop()``.
    public func start(emit: @escaping @Sendable (StreamEvent) -> Void) {
        let shards = state.withLock { s -> [MarketStream] in
            s.emit = emit
            return s.shards
        }
        shards.forEach(launch)
    }

    /// Closes every connection.
    public func stop() {
        state.withLock { s in
            s.runners.forEach { $0.cancel() }
            s.runners = []
            s.emit = nil
        }
    }

    private func launch(_ shard: MarketStream) {
        state.withLock { s in
            guard let emit = s.emit else { return }
            s.runners.append(Task { await shard.run(emit: emit) })
        }
    }

    /// Adds streams: to shards with room, opening new connections when every shard is full.
    public func subscribe(_ streams: [StreamName]) async throws {
        let carried = Set(self.streams.joined())
        var remaining = streams.filter { !carried.contains($0) }
        var requests: [(MarketStream, [StreamName])] = []
        var opened: [MarketStream] = []
        state.withLock { s in
            for shard in s.shards where !remaining.isEmpty {
                let room = maxStreamsPerConnection - shard.streams.count
                guard room > 0 else { continue }
                requests.append((shard, Array(remaining.prefix(room))))
                remaining.removeFirst(min(room, remaining.count))
            }
            while !remaining.isEmpty {
                let slice = Array(remaining.prefix(maxStreamsPerConnection))
                remaining.removeFirst(slice.count)
                let shard = MarketStream(base: base, streams: slice, configuration: configuration, logger: logger)
                s.shards.append(shard)
                opened.append(shard)
            }
        }
        opened.forEach(launch)
        for (shard, names) in requests { try await shard.subscribe(names) }
    }

    /// `LIST_SUBSCRIPTIONS` on every connection, merged in shard order.
    public func listSubscriptions() async throws -> [String] {
        let shards = state.withLock { $0.shards }
        var all: [String] = []
        for shard in shards { all += try await shard.listSubscriptions() }
        return all
    }

    /// Removes streams from whichever connections carry them.
    public func unsubscribe(_ streams: [StreamName]) async throws {
        let shards = state.withLock { $0.shards }
        for shard in shards {
            let mine = streams.filter { shard.streams.contains($0) }
            if !mine.isEmpty { try await shard.unsubscribe(mine) }
        }
    }
}
