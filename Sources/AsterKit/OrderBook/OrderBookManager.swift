import Logging

/// Keeps local order books of one or more symbols in step with the exchange: diff stream plus
/// REST snapshots, following ``OrderBookSynchronizer``; resynchronises after gaps and reconnects.
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

    private var books: [String: OrderBookSynchronizer] = [:]
    private var snapshotsTaken: [String: Int] = [:]
    private let rest: RESTClient
    private let snapshotLimit: Int
    private let speed: StreamName.DepthSpeed
    private var connectedShards: Set<Int> = []
    private var generations: [String: Int] = [:]
    private var fetches: AsyncStream<(symbol: String, generation: Int)>.Continuation?
    private let budget: WeightBudget
    private let logger: Logger
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a manager.
    ///
    /// - Parameters:
    ///   - symbols: the symbols to keep (any case).
    ///   - rest: where snapshots come from.
    ///   - speed: the diff stream's speed (`@100ms` by default).
    ///   - snapshotLimit: levels per side in each snapshot (1000 as the spec suggests).
    ///   - weightPerMinute: the REST weight snapshots may use per minute (the spec allows 2,400 in
    ///     all; the default leaves room for other calls).
    public init(symbols: [String], rest: RESTClient, speed: StreamName.DepthSpeed = .ms100, snapshotLimit: Int = 1000,
                weightPerMinute: Int = 1_800, logger: Logger = Logger(label: "AsterKit.OrderBookManager")) {
        for s in symbols { books[s.uppercased()] = OrderBookSynchronizer(symbol: s) }
        self.rest = rest
        self.speed = speed
        self.snapshotLimit = snapshotLimit
        self.logger = logger
        self.budget = WeightBudget(perMinute: weightPerMinute)
    }

    /// The diff streams for `symbols` at `speed`.
    public static func streams(symbols: [String], speed: StreamName.DepthSpeed = .ms100) -> [StreamName] {
        symbols.map { .diffDepth(symbol: $0.lowercased(), speed: speed) }
    }

    /// Consumes a client's events until they end or the task is cancelled, fetching snapshots
    /// as the books need them (within the REST weight budget, with backoff on failure). Returns
    /// only when every fetch it started has ended.
    public func run<Events: AsyncSequence & Sendable>(_ events: Events) async where Events.Element == StreamEvent, Events.Failure == Never {
        let (requests, request) = AsyncStream.makeStream(of: (symbol: String, generation: Int).self)
        fetches = request
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { await self.ingest(event) }
                request.finish()
            }
            for await (symbol, generation) in requests {
                group.addTask { await self.fetchSnapshot(symbol, generation: generation) }
            }
            group.cancelAll()
        }
        fetches = nil
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
            for symbol in affected { books[symbol]?.reconnected() }
            if !affected.isEmpty { logger.info("reconnected: resynchronising \(affected.count) book(s)", metadata: ["connection": "\(update.connection)"]) }
        case .message(let message):
            guard case .depth(let update) = message.event, books[update.symbol] != nil else { return }
            if books[update.symbol]?.receive(update) == .fetchSnapshot { requestSnapshot(update.symbol) }
            notify()
        default: break
        }
    }

    private func requestSnapshot(_ symbol: String) {
        generations[symbol, default: 0] += 1
        fetches?.yield((symbol, generations[symbol]!))
    }

    /// Fetches a snapshot for request `generation`, backing off on failure; gives up when the
    /// request is superseded or the manager stops.
    private func fetchSnapshot(_ symbol: String, generation: Int) async {
        var delay = Duration.milliseconds(200)
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
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    private func load(_ snapshot: DepthSnapshot, for symbol: String, generation: Int) {
        // An answer to an older request never overwrites a newer book.
        guard generations[symbol] == generation else { return }
        snapshotsTaken[symbol, default: 0] += 1
        if books[symbol]?.load(snapshot) == .fetchSnapshot { requestSnapshot(symbol) }
        notify()
    }

    private func notify() {
        let w = waiters
        waiters = []
        w.forEach { $0.resume() }
    }

    /// The book of `symbol` (upper case), whatever its state.
    public func book(_ symbol: String) -> LocalOrderBook? { books[symbol.uppercased()]?.book }

    /// State and counters of `symbol`'s book.
    public func status(_ symbol: String) -> Status? {
        guard let s = books[symbol.uppercased()] else { return nil }
        return Status(state: s.state, lastUpdateId: s.book.lastUpdateId, updatesApplied: s.updatesApplied,
                      resyncs: s.resyncs, snapshots: snapshotsTaken[symbol.uppercased()] ?? 0)
    }

    /// Waits until the next change to any book (an applied diff or a snapshot).
    public func nextChange() async {
        await withCheckedContinuation { waiters.append($0) }
    }
}
