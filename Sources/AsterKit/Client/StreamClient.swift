import Logging
import ServiceLifecycle
import Synchronization

/// The market-data client: one `Service` that owns every connection (sharded past 200 streams,
/// each reconnecting with backoff, pinging, and rolling over before Aster's 24-hour limit with no
/// gap and no reordering) or a replay, and hands out typed feeds for any number of consumers.
///
/// ```swift
/// let client = StreamClient(base: AsterEndpoint.productionWebSocket,
///                           streams: [.aggTrade(symbol: "btcusdt"), .bookTicker(symbol: "btcusdt")])
/// let trades = client.aggregateTrades()            // one consumer …
/// let tops = client.bookTickers(bufferLimit: 1)    // … and another, keeping only the newest
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await client.run() }     // or add it to a ServiceGroup
///     for await trade in trades { print(trade.price, trade.quantity) }
/// }
/// ```
///
/// `run()` connects and delivers until its task is cancelled or a graceful shutdown is
/// triggered; it returns only once every connection is closed (politely: close frame, then the
/// server's close or a short timeout), and then every feed ends. Frames are decoded on the
/// connections' event loops as they arrive and reach each feed in batches. Feeds made before
/// `run()` see every event; a feed made later joins the flow from that moment.
public final class StreamClient: Service, EventFeeds {
    /// Where events come from.
    public enum Source: Sendable {
        /// Combined-stream connections on a websocket base URL, sharded past 200 streams.
        case live(base: String)
        /// One connection to a fixed URL (a raw `/ws/<name>` endpoint, say).
        case url(String)
        /// Recorded frames, through the same decoder.
        case replay(ReplaySource)
    }

    /// Where events come from.
    public let source: Source
    /// Settings.
    public let configuration: StreamConfiguration
    /// Streams per connection at most (Aster allows 200).
    public let maxStreamsPerConnection: Int
    let hub: EventHub
    private let logger: Logger
    private let requestIDs = RequestIDs()
    private let registry: Mutex<State>

    private struct State {
        var shards: [Shard] = []
        var launch: AsyncStream<ShardControl>.Continuation?
        var started = false
    }

    /// A live client on `base` (e.g. ``AsterEndpoint/productionWebSocket``) carrying `streams`.
    public init(base: String, streams: [StreamName], configuration: StreamConfiguration = .init(),
                maxStreamsPerConnection: Int = 200, logger: Logger = Logger(label: "AsterKit.StreamClient")) {
        self.source = .live(base: base)
        self.configuration = configuration
        self.maxStreamsPerConnection = max(1, maxStreamsPerConnection)
        self.logger = logger
        self.hub = EventHub(defaultBufferLimit: configuration.bufferLimit)
        self.registry = Mutex(State())
        var unique: [StreamName] = []
        for s in streams where !unique.contains(s) { unique.append(s) }
        let shards = unique.chunked(self.maxStreamsPerConnection).enumerated().map { index, slice in
            makeShard(index: index, streams: slice)
        }
        registry.withLock { $0.shards = shards.isEmpty ? [makeShard(index: 0, streams: [])] : shards }
    }

    /// A client on one fixed websocket URL, e.g. `wss://fstream.asterdex.com/ws/btcusdt@aggTrade`.
    public init(url: String, configuration: StreamConfiguration = .init(),
                logger: Logger = Logger(label: "AsterKit.StreamClient")) {
        self.source = .url(url)
        self.configuration = configuration
        self.maxStreamsPerConnection = 200
        self.logger = logger
        self.hub = EventHub(defaultBufferLimit: configuration.bufferLimit)
        self.registry = Mutex(State())
        registry.withLock { $0.shards = [makeShard(index: 0, streams: [])] }
    }

    /// A client replaying recorded frames: the same feeds, decoded the same way; `run()` returns
    /// when the files are done.
    public init(replay: ReplaySource, bufferLimit: Int = 10_000) {
        self.source = .replay(replay)
        self.configuration = StreamConfiguration(bufferLimit: bufferLimit)
        self.maxStreamsPerConnection = 200
        self.logger = Logger(label: "AsterKit.StreamClient")
        self.hub = EventHub(defaultBufferLimit: bufferLimit)
        self.registry = Mutex(State())
    }

    private func makeShard(index: Int, streams: [StreamName]) -> Shard {
        let target: Shard.Target
        switch source {
        case .live(let base): target = .combined(base: base)
        case .url(let url): target = .fixed(url: url)
        case .replay: target = .fixed(url: "")
        }
        return Shard(index: index, target: target, streams: streams, configuration: configuration, hub: hub,
                     requestIDs: requestIDs, logger: logger)
    }

    // MARK: Life

    /// Connects (or replays) and delivers until cancelled or gracefully shut down; returns once
    /// every connection is closed, and then ends every feed. A client runs once.
    public func run() async throws {
        let first = registry.withLock { s -> Bool in
            defer { s.started = true }
            return !s.started
        }
        guard first else { throw ClientError.alreadyRun }
        defer { hub.finish() }
        if case .replay(let replay) = source {
            await cancelWhenGracefulShutdown { await replay.play(into: self.hub) }
            return
        }
        let (controls, control) = AsyncStream.makeStream(of: ShardControl.self)
        let initial = registry.withLock { s in
            s.launch = control
            return s.shards
        }
        initial.forEach { control.yield(.launch($0)) }
        let reconnects = configuration.reconnect
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var active = 0
                for await event in controls {
                    switch event {
                    case .launch(let shard):
                        active += 1
                        group.addTask {
                            await shard.run()
                            control.yield(.ended)
                        }
                    case .ended:
                        active -= 1
                    }
                    // Without reconnects the client is done once every connection has ended.
                    if active == 0 && !reconnects { break }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            control.finish()
        }
        registry.withLock { $0.launch = nil }
    }

    // MARK: Observing

    public func feed<Element: Sendable>(
        bufferLimit: Int?, collecting collect: @escaping @Sendable ([StreamEvent], inout FeedSink<Element>) -> Void
    ) -> EventFeed<Element> {
        hub.makeFeed(bufferLimit: bufferLimit, collect)
    }

    public func rawFrames(bufferLimit: Int? = nil) -> EventFeed<RawFrame> { hub.makeRawFeed(bufferLimit: bufferLimit) }

    /// Number of feeds being iterated or waiting to be.
    public var consumerCount: Int { hub.fanOut.count + hub.raw.count }

    /// The latest connection state of any connection, if any yet.
    public var state: ConnectionUpdate? { hub.state }

    /// Counters over every connection, with every feed's drops.
    public var statistics: StreamStatistics { hub.statistics }

    /// Frames and bytes per second over the last second or so (each call is a reading).
    public func rates() -> StreamRates { hub.meter.rates(statistics) }

    /// Connections (shards) in use.
    public var connectionCount: Int { registry.withLock { $0.shards.count } }

    /// The streams carried, shard by shard.
    public var streams: [[StreamName]] { registry.withLock { $0.shards.map(\.streams) } }

    // MARK: Live changes

    /// Adds streams (`SUBSCRIBE`), on connections with room or on new ones; kept across
    /// reconnects and rollovers. Waits for the live connections' replies.
    public func subscribe(_ streams: [StreamName]) async throws { try await change(subscribe: streams, unsubscribe: []) }

    /// Removes streams (`UNSUBSCRIBE`) from whichever connections carry them.
    public func unsubscribe(_ streams: [StreamName]) async throws { try await change(subscribe: [], unsubscribe: streams) }

    /// Swaps streams in one step: every connection learns its part (unsubscribes first), within
    /// the outbound limit, in the order the calls were made. The streams are remembered at once
    /// and carried after a reconnect; each connection keeps reconciling what it carries with them
    /// until the server confirms (a request that times out or is refused is retried with
    /// backoff), whether or not this call is still waiting.
    ///
    /// Waits until every live connection involved carries the change, or a request toward it
    /// failed on one of them; the other connections carry on either way.
    ///
    /// - Throws: ``ServerError`` when the server refuses a request, ``LiveRequestError`` on
    ///   timeout or when a replay is the source (the first failure of any connection).
    public func change(subscribe add: [StreamName], unsubscribe remove: [StreamName]) async throws {
        if case .replay = source { throw LiveRequestError.notLive }
        // Assigned under one lock: concurrent callers never put more than the limit on a shard.
        let changes = registry.withLock { s -> [(Shard, Int)] in
            var perShard: [Int: (add: [StreamName], remove: [StreamName])] = [:]
            var counts = s.shards.map(\.streams.count)
            var carried = Set(s.shards.flatMap(\.streams))
            for (index, shard) in s.shards.enumerated() {
                let mine = remove.filter { shard.streams.contains($0) }
                if !mine.isEmpty {
                    perShard[index, default: ([], [])].remove = mine
                    counts[index] -= mine.count
                    mine.forEach { carried.remove($0) }
                }
            }
            for name in add where !carried.contains(name) {
                carried.insert(name)
                var index = counts.firstIndex { $0 < maxStreamsPerConnection }
                if index == nil, case .live = source {
                    let shard = makeShard(index: s.shards.count, streams: [])
                    s.shards.append(shard)
                    counts.append(0)
                    s.launch?.yield(.launch(shard))
                    index = s.shards.count - 1
                }
                guard let index else { continue }
                perShard[index, default: ([], [])].add.append(name)
                counts[index] += 1
            }
            return perShard.sorted { $0.key < $1.key }.map { index, change in
                let shard = s.shards[index]
                return (shard, shard.prepare(subscribe: change.add, unsubscribe: change.remove))
            }
        }
        var firstFailure: (any Error)?
        for (shard, version) in changes {
            do { try await shard.settle(version) } catch { firstFailure = firstFailure ?? error }
        }
        if let firstFailure { throw firstFailure }
    }

    /// `LIST_SUBSCRIPTIONS` on every live connection, merged in shard order.
    public func listSubscriptions() async throws -> [String] {
        var all: [String] = []
        for shard in try liveShards() {
            let reply = try await shard.send(.listSubscriptions(id: requestIDs.next()))
            if case .streams(let names) = reply.result { all += names }
        }
        return all
    }

    /// `SET_PROPERTY combined` on every live connection.
    public func setCombined(_ value: Bool) async throws {
        for shard in try liveShards() { _ = try await shard.send(.setCombined(value, id: requestIDs.next())) }
    }

    /// `GET_PROPERTY combined` on the first connection.
    public func getCombined() async throws -> Bool {
        guard let shard = try liveShards().first else { throw LiveRequestError.notConnected }
        let reply = try await shard.send(.getCombined(id: requestIDs.next()))
        if case .bool(let value) = reply.result { return value }
        return false
    }

    /// Any live request on connection `shard`, matched to its reply by id (the id is assigned here).
    public func send(method: LiveRequest.Method, params: [LiveRequest.Param], shard: Int = 0) async throws
        -> SubscriptionReply
    {
        let shards = try liveShards()
        guard shards.indices.contains(shard) else { throw LiveRequestError.notConnected }
        return try await shards[shard].send(LiveRequest(method: method, params: params, id: requestIDs.next()))
    }

    private func liveShards() throws -> [Shard] {
        if case .replay = source { throw LiveRequestError.notLive }
        return registry.withLock { $0.shards }
    }
}

/// What the client's run loop learns about its shards.
enum ShardControl: Sendable {
    case launch(Shard)
    case ended
}

/// Why a client call failed outright.
public enum ClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `run()` was called a second time.
    case alreadyRun

    public var description: String {
        switch self {
        case .alreadyRun: "the client has already run; make a new one"
        }
    }
}

/// Request ids, unique across every connection of a client.
final class RequestIDs: Sendable {
    private let counter = Atomic<Int64>(0)
    func next() -> Int64 { counter.add(1, ordering: .relaxed).newValue }
}

extension StreamStatistics {
    /// The sum of several connections' counters; the last frame is the latest of any, the round
    /// trip the last known of any.
    public init(combining parts: [StreamStatistics]) {
        self.init()
        for p in parts {
            frames += p.frames
            bytes += p.bytes
            decodeErrors += p.decodeErrors
            skippedElements += p.skippedElements
            dropped += p.dropped
            reconnects += p.reconnects
            rollovers += p.rollovers
            if let t = p.lastFrameAt, lastFrameAt.map({ t > $0 }) ?? true { lastFrameAt = t }
            if let r = p.roundTrip { roundTrip = r }
        }
    }
}
