import AsterKit

/// The focused symbol's synchronised local book as the app reads it on the refresh tick for the
/// depth heatmap (``DashboardModel/tick(now:book:)``): its state, and when it is in step with the
/// exchange its best levels. The model only receives levels; it never owns the book.
///
/// ```swift
/// let top = await books.liveSnapshot("BTCUSDT", levels: DashboardModel.heatmapDepth)
/// let sample = LocalBookSample(symbol: "BTCUSDT", state: top == nil ? .syncing : .live,
///                              bids: top?.bids ?? [], asks: top?.asks ?? [])
/// await model.tick(now: nowMs, book: sample)
/// ```
public struct LocalBookSample: Sendable, Hashable {
    /// Symbol, upper case.
    public var symbol: String
    /// Whether the book is in step with the exchange (``BookState/live``) or being rebuilt.
    public var state: BookState
    /// Bids, best first (meaningful when ``state`` is live).
    public var bids: [PriceLevel]
    /// Asks, best first (meaningful when ``state`` is live).
    public var asks: [PriceLevel]

    /// Creates a sample.
    public init(symbol: String, state: BookState, bids: [PriceLevel] = [], asks: [PriceLevel] = []) {
        self.symbol = symbol.uppercased()
        self.state = state
        self.bids = bids
        self.asks = asks
    }

    /// Whether the heatmap may draw these levels as the synchronised book.
    public var isSynced: Bool { state == .live && (!bids.isEmpty || !asks.isEmpty) }
}
