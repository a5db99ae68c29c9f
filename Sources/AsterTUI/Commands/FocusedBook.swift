import AsterDashboard
import AsterKit
import Synchronization

/// The focused symbol's synchronised local book (its diff stream on a REST snapshot, kept by an
/// ``OrderBookManager``), which the depth heatmap draws from: one manager per focused symbol, a
/// new one on a switch, the old one dropped (its ``OrderBookManager/run(_:)`` ends).
///
/// The client's reader hands each delivered batch to ``route(_:)``: the current symbol's diff
/// messages and the connection states go to the current manager, nothing else (no actor hop per
/// event). ``follow(_:)`` starts a book; the caller runs the returned manager in its task group.
/// The render loop reads the book on the heatmap's tick only (``sample(levels:)``).
///
/// ```swift
/// let book = FocusedBook(rest: rest)
/// if let started = book.follow("BTCUSDT") { group.addTask { await started.manager.run(started.events) } }
/// book.route(batch)                                  // in the client's reader
/// await model.tick(now: now, book: await book.sample(levels: DashboardModel.heatmapDepth))
/// ```
final class FocusedBook: Sendable {
    private struct Current {
        var symbol: String
        var stream: String
        var manager: OrderBookManager
        var feed: AsyncStream<StreamEvent>.Continuation
    }

    private struct State {
        var current: Current?
        /// The latest `connected` state of each shard: a book started mid-session takes them
        /// first, so that a later reconnect resynchronises it.
        var connected: [Int: StreamEvent] = [:]
    }

    private let state = Mutex(State())
    private let rest: RESTClient
    /// Events waiting for the manager at most; beyond, the oldest are dropped, which the book sees
    /// as a gap in its diffs and resynchronises.
    static let bufferLimit = 10_000

    /// A book kept with snapshots from `rest`.
    init(rest: RESTClient) { self.rest = rest }

    /// The symbol whose book is kept now.
    var symbol: String? { state.withLock { $0.current?.symbol } }

    /// Starts keeping `symbol`'s book and drops the previous one; `nil` when it is kept already.
    /// Run the returned manager on the returned events: the run ends when the book is dropped.
    func follow(_ symbol: String) -> (manager: OrderBookManager, events: AsyncStream<StreamEvent>)? {
        let symbol = symbol.uppercased()
        return state.withLock { s in
            guard s.current?.symbol != symbol else { return nil }
            s.current?.feed.finish()
            let (events, feed) = AsyncStream.makeStream(of: StreamEvent.self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
            let manager = OrderBookManager(symbols: [symbol], rest: rest,
                                           speed: .ms100, snapshotLimit: 1000, weightPerMinute: 600)
            for shard in s.connected.keys.sorted() { if let event = s.connected[shard] { feed.yield(event) } }
            s.current = Current(symbol: symbol, stream: DashboardModel.localBookStream(symbol).name, manager: manager, feed: feed)
            return (manager, events)
        }
    }

    /// Drops the book (its run ends).
    func stop() {
        state.withLock { s in
            s.current?.feed.finish()
            s.current = nil
        }
    }

    /// Passes the events of a delivered batch that the book takes (its symbol's diff stream and
    /// connection states) to its manager, under one lock.
    func route(_ events: [StreamEvent]) {
        state.withLock { s in
            for event in events {
                switch event {
                case .message(let message):
                    guard let current = s.current, case .depth = message.event, message.stream == current.stream else { continue }
                    current.feed.yield(event)
                case .state(let update):
                    if case .connected = update.state { s.connected[update.connection.shard] = event }
                    s.current?.feed.yield(event)
                case .decodeFailure:
                    continue
                }
            }
        }
    }

    /// The book as the heatmap reads it: its state, and its best `levels` a side when it is live.
    func sample(levels: Int) async -> LocalBookSample? {
        guard let (symbol, manager) = state.withLock({ s in s.current.map { ($0.symbol, $0.manager) } }) else { return nil }
        if let top = await manager.liveSnapshot(symbol, levels: levels) {
            return LocalBookSample(symbol: symbol, state: .live, bids: top.bids, asks: top.asks)
        }
        return LocalBookSample(symbol: symbol, state: await manager.status(symbol)?.state ?? .syncing)
    }
}
