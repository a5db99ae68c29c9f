import Logging

/// Keeps local order books of one or more symbols in step with the exchange: diff stream plus
/// REST snapshots, following ``OrderBookSynchronizer``; resynchronises after gaps and reconnects.
///
/// A book takes only the diff stream it asked for, by stream name (``streams(symbols:speed:)``):
/// partial-depth snapshots (`btcusdt@depth20@100ms`) or another speed's diffs on the same client
/// are ignored. Loss is never silent: when the feed it reads drops events (see ``EventFeed``)
/// every book starts over from a fresh snapshot, counted in ``Status/resyncs`` and
/// ``droppedEvents``.
///
/// ```swift
/// let rest = RESTClient(baseURL: AsterEndpoint.productionREST)
/// let books = OrderBookManager(symbols: ["BTCUSDT"], rest: rest)
/// let client = StreamClient(base: AsterEndpoint.productionWebSocket,
///                           streams: OrderBookManager.streams(symbols: ["BTCUSDT"]))
/// let events = client.events()
/// group.addTask { try await client.run() }
/// group.addTask { await books.run(events) }      // ends with the client's feeds
/// let top = await books.book("BTCUSDT")?.snapshot(levels: 20)
/// ```
public actor OrderBookManager {
    /// Counters of one symbol's book.
    public struct Status: Sendable, Hashable {
        public var state: BookState
        public var lastUpdateId: Int64
        public var updatesApplied: Int
        public var resyncs: Int
        public var snapshots: Int
    }

    /// What ``changes(bufferLimit:)`` delivers: a book that changed (a diff applied, a snapshot
    /// loaded or a resync begun) and its status then.
    public struct Change: Sendable, Hashable {
        public var symbol: String
        public var status: Status
    }

    private var books: [String: OrderBookSynchronizer] = [:]
    private var snapshotsTaken: [String: Int] = [:]
    private let rest: RESTClient
    private let snapshotLimit: Int
    private let speed: StreamName.DepthSpeed
    private var connectedShards: Set<Int> = []
    private var generations: [String: Int] = [:]
    private var fetches: AsyncStream<(symbol: String, generation: Int)>.Continuation?
    private let budget: WeightBudget
    private let backoff: Backoff
    private let logger: Logger
    private let watchers = FanOut<Change>()
    /// The diff stream's name → its symbol: the only depth messages the books take.
    private let diffStreams: [String: String]
    /// Events the feed read by ``run(_:)`` dropped (each drop resynchronises every book).
    public private(set) var droppedEvents = 0

    /// Creates a manager.
    ///
    /// - Parameters:
    ///   - symbols: the symbols to keep (any case).
    ///   - rest: where snapshots come from.
    ///   - speed: the diff stream's speed (`@100ms` by default).
    ///   - snapshotLimit: levels per side in each snapshot (1000 as the spec suggests).
    ///   - weightPerMinute: the REST weight snapshots may use per minute (the spec allows 2,400 in
    ///     all; the default leaves room for other calls).
    ///   - backoff: delays between failed snapshot attempts of one book.
    public init(symbols: [String], rest: RESTClient, speed: StreamName.DepthSpeed = .ms100, snapshotLimit: Int = 1000,
                weightPerMinute: Int = 1_800, backoff: Backoff = Backoff(initial: .milliseconds(400), maximum: .seconds(30)),
                logger: Logger = Logger(label: "AsterKit.OrderBookManager")) {
        for s in symbols { books[s.uppercased()] = OrderBookSynchronizer(symbol: s) }
        diffStreams = Dictionary(symbols.map { (StreamName.diffDepth(symbol: $0.lowercased(), speed: speed).name, $0.uppercased()) },
                                 uniquingKeysWith: { a, _ in a })
        self.rest = rest
        self.speed = speed
        self.snapshotLimit = snapshotLimit
        self.logger = logger
        self.budget = WeightBudget(perMinute: weightPerMinute)
        self.backoff = backoff
    }

    /// The diff streams for `symbols` at `speed`.
    public static func streams(symbols: [String], speed: StreamName.DepthSpeed = .ms100) -> [StreamName] {
        symbols.map { .diffDepth(symbol: $0.lowercased(), speed: speed) }
    }

    /// Consumes a client's events until they end or the task is cancelled, fetching snapshots
    /// as the books need them (within the REST weight budget, with backoff on failure). Returns
    /// only when every fetch it started has ended; then ``changes(bufferLimit:)`` ends. When
    /// `events` is an ``EventFeed`` its drops resynchronise the books.
    public func run<Events: AsyncSequence & Sendable>(_ events: Events) async where Events.Element == StreamEvent, Events.Failure == Never {
        defer { watchers.finish() }
        let (requests, request) = AsyncStream.makeStream(of: (symbol: String, generation: Int).self)
        fetches = request
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if let feed = events as? EventFeed<StreamEvent> {
                    var iterator = feed.makeAsyncIterator()
                    var dropped = 0
                    while let event = await iterator.next() {
                        if iterator.dropped > dropped {
                            await self.lost(iterator.dropped - dropped)
                            dropped = iterator.dropped
                        }
                        await self.ingest(event)
                    }
                } else {
                    for await event in events { await self.ingest(event) }
                }
                request.finish()
            }
            for await (symbol, generation) in requests {
                group.addTask { await self.fetchSnapshot(symbol, generation: generation) }
            }
            group.cancelAll()
        }
        fetches = nil
    }

    /// The feed lost `count` events (any symbol's diffs, a reconnect's state): every book starts over.
    private func lost(_ count: Int) {
        droppedEvents += count
        logger.warning("the event feed dropped \(count) event(s): resynchronising every book")
        for symbol in books.keys {
            books[symbol]?.reconnected()
            notify(symbol)
        }
    }

    /// Takes one event (depth diffs of managed symbols; connection states).
    public func ingest(_ event: StreamEvent) {
        switch event {
        case .state(let update):
            guard case .connected = update.state else { return }
            // A fresh connection (not the first of its shard) lost whatever came meanwhile: only
            // the books whose diff streams it carries start over.
            if connectedShards.insert(update.connection.shard).inserted { return }
            let carried = Set(update.streams)
            let affected = books.keys.filter { carried.contains(StreamName.diffDepth(symbol: $0.lowercased(), speed: speed).name) }
            for symbol in affected {
                books[symbol]?.reconnected()
                notify(symbol)
            }
            if !affected.isEmpty { logger.info("reconnected: resynchronising \(affected.count) book(s)", metadata: ["connection": "\(update.connection)"]) }
        case .message(let message):
            // Only the diff stream subscribed for this symbol: not a partial depth, not another speed.
            guard case .depth(let update) = message.event, let stream = message.stream,
                  diffStreams[stream] == update.symbol, books[update.symbol] != nil else { return }
            if books[update.symbol]?.receive(update) == .fetchSnapshot { requestSnapshot(update.symbol) }
            notify(update.symbol)
        default: break
        }
    }

    private func requestSnapshot(_ symbol: String) {
        let generation = generations[symbol, default: 0] &+ 1
        generations[symbol] = generation
        fetches?.yield((symbol, generation))
    }

    /// Fetches a snapshot for request `generation`, backing off on failure; gives up when the
    /// request is superseded or the manager stops.
    private func fetchSnapshot(_ symbol: String, generation: Int) async {
        var retries = backoff.retries()
        while !Task.isCancelled, generations[symbol] == generation {
            do {
                try await budget.reserve(weight: DepthSnapshot.weight(limit: snapshotLimit))
                let snapshot = try await rest.depth(symbol: symbol, limit: snapshotLimit)
                budget.observe(usedWeight: rest.usedWeight?.byInterval["1m"])
                load(snapshot, for: symbol, generation: generation)
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("snapshot failed", metadata: ["symbol": "\(symbol)", "error": "\(error)"])
                guard await retries.wait() else { return }
            }
        }
    }

    private func load(_ snapshot: DepthSnapshot, for symbol: String, generation: Int) {
        // An answer to an older request never overwrites a newer book.
        guard generations[symbol] == generation else { return }
        snapshotsTaken[symbol, default: 0] += 1
        if books[symbol]?.load(snapshot) == .fetchSnapshot { requestSnapshot(symbol) }
        notify(symbol)
    }

    private func notify(_ symbol: String) {
        guard watchers.count > 0, let status = status(symbol) else { return }
        watchers.deliver([Change(symbol: symbol, status: status)])
    }

    /// The book of `symbol` (upper case), whatever its state.
    public func book(_ symbol: String) -> LocalOrderBook? { books[symbol.uppercased()]?.book }

    /// The best `levels` of each side of `symbol`'s book when it is in step with the exchange
    /// (``BookState/live``), read inside the actor (no copy of the book leaves it); `nil` while it
    /// syncs or resyncs, or for a symbol not kept.
    ///
    /// ```swift
    /// if let top = await books.liveSnapshot("BTCUSDT", levels: 50) { draw(top.bids, top.asks) }
    /// ```
    public func liveSnapshot(_ symbol: String, levels: Int) -> DepthSnapshot? {
        guard let s = books[symbol.uppercased()], s.state == .live else { return nil }
        return s.book.snapshot(levels: max(0, levels))
    }

    /// State and counters of `symbol`'s book.
    public func status(_ symbol: String) -> Status? {
        guard let s = books[symbol.uppercased()] else { return nil }
        return Status(state: s.state, lastUpdateId: s.book.lastUpdateId, updatesApplied: s.updatesApplied,
                      resyncs: s.resyncs, snapshots: snapshotsTaken[symbol.uppercased()] ?? 0)
    }

    /// Every change to any book (an applied diff, a snapshot, a resync begun), in order; when
    /// the consumer lags the oldest are dropped beyond `bufferLimit`. It ends when ``run(_:)``
    /// returns (at once when made after that), or for one iterator when its task is cancelled.
    ///
    /// ```swift
    /// for await change in await books.changes() where change.status.state == .live { redraw(change.symbol) }
    /// ```
    public func changes(bufferLimit: Int = 10_000) -> EventFeed<Change> {
        watchers.feed(bufferLimit: bufferLimit) { (batch: [Change], sink: inout FeedSink<Change>) in
            sink.append(contentsOf: batch)
        }
    }
}
