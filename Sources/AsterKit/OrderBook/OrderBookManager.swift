import Logging

/// Keeps local order books of one or more symbols in step with the exchange: diff stream plus
/// REST snapshots, following ``OrderBookSynchronizer``; resynchronises after gaps and reconnects.
///
/// ```swift
/// let rest = RESTClient(baseURL: AsterEndpoint.productionREST)
/// let books = OrderBookManager(symbols: ["BTCUSDT"], rest: rest)
/// let stream = MarketStream(base: AsterEndpoint.productionWebSocket,
///                           streams: OrderBookManager.streams(symbols: ["BTCUSDT"]))
/// Task { await books.run(stream.events()) }
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
    private var connectedBefore = false
    private let logger: Logger
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a manager.
    ///
    /// - Parameters:
    ///   - symbols: the symbols to keep (any case).
    ///   - rest: where snapshots come from.
    ///   - speed: the diff stream's speed (`@100ms` by default).
    ///   - snapshotLimit: levels per side in each snapshot (1000 as the spec suggests).
    public init(symbols: [String], rest: RESTClient, speed: StreamName.DepthSpeed = .ms100, snapshotLimit: Int = 1000,
                logger: Logger = Logger(label: "AsterKit.OrderBookManager")) {
        for s in symbols { books[s.uppercased()] = OrderBookSynchronizer(symbol: s) }
        self.rest = rest
        self.speed = speed
        self.snapshotLimit = snapshotLimit
        self.logger = logger
    }

    /// The diff streams for `symbols` at `speed`.
    public static func streams(symbols: [String], speed: StreamName.DepthSpeed = .ms100) -> [StreamName] {
        symbols.map { .diffDepth(symbol: $0.lowercased(), speed: speed) }
    }

    /// Consumes a stream's events until it ends or the task is cancelled.
    public func run(_ events: AsyncStream<StreamEvent>) async {
        for await event in events { ingest(event) }
    }

    /// Takes one event (depth diffs of managed symbols; connection states).
    public func ingest(_ event: StreamEvent) {
        switch event {
        case .state(.connected):
            if connectedBefore {
                for symbol in books.keys { books[symbol]?.reconnected() }
                logger.info("reconnected: resynchronising every book")
            }
            connectedBefore = true
        case .message(let message):
            guard case .depth(let update) = message.event, books[update.symbol] != nil else { return }
            if books[update.symbol]?.receive(update) == .fetchSnapshot { fetchSnapshot(update.symbol) }
            notify()
        default: break
        }
    }

    private func fetchSnapshot(_ symbol: String) {
        let rest = self.rest
        let limit = snapshotLimit
        Task {
            var delay = Duration.milliseconds(200)
            while !Task.isCancelled {
                do {
                    let snapshot = try await rest.depth(symbol: symbol, limit: limit)
                    self.load(snapshot, for: symbol)
                    return
                } catch {
                    self.logger.warning("snapshot failed", metadata: ["symbol": "\(symbol)", "error": "\(error)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(10))
                }
            }
        }
    }

    private func load(_ snapshot: DepthSnapshot, for symbol: String) {
        snapshotsTaken[symbol, default: 0] += 1
        if books[symbol]?.load(snapshot) == .fetchSnapshot { fetchSnapshot(symbol) }
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
