/// A REST order book snapshot (`GET /fapi/v1/depth`).
public struct DepthSnapshot: Sendable, Hashable {
    /// The id of the last update the snapshot includes.
    public var lastUpdateId: Int64
    /// Bids, best first.
    public var bids: [PriceLevel]
    /// Asks, best first.
    public var asks: [PriceLevel]
    /// Message output time (`E`, ms) of a REST `depth` answer; `nil` for a local book's snapshot.
    public var messageTime: Int64?
    /// Transaction time (`T`, ms) of a REST `depth` answer; `nil` for a local book's snapshot.
    public var transactionTime: Int64?

    /// Creates a snapshot.
    public init(lastUpdateId: Int64, bids: [PriceLevel], asks: [PriceLevel], messageTime: Int64? = nil,
                transactionTime: Int64? = nil) {
        self.lastUpdateId = lastUpdateId
        self.bids = bids
        self.asks = asks
        self.messageTime = messageTime
        self.transactionTime = transactionTime
    }
}

/// An exact local copy of one symbol's order book.
public struct LocalOrderBook: Sendable {
    /// Symbol, upper case.
    public let symbol: String
    /// Bids, best first.
    public internal(set) var bids = BookSide(isBid: true)
    /// Asks, best first.
    public internal(set) var asks = BookSide(isBid: false)
    /// Id of the last update applied.
    public internal(set) var lastUpdateId: Int64 = 0

    /// Creates an empty book.
    public init(symbol: String) { self.symbol = symbol.uppercased() }

    /// A book from a partial depth event (`<symbol>@depth<5|10|20>`): the lighter alternative
    /// to a synchronised book, exact for the levels it carries.
    public init(partial update: DepthUpdate) {
        symbol = update.symbol.uppercased()
        bids = BookSide(isBid: true, levels: update.bids)
        asks = BookSide(isBid: false, levels: update.asks)
        lastUpdateId = update.finalUpdateId
    }

    /// Replaces the book with a snapshot.
    public mutating func load(_ snapshot: DepthSnapshot) {
        bids = BookSide(isBid: true, levels: snapshot.bids)
        asks = BookSide(isBid: false, levels: snapshot.asks)
        lastUpdateId = snapshot.lastUpdateId
    }

    /// Applies the absolute quantities of a diff (zero removes a level).
    public mutating func apply(_ update: DepthUpdate) {
        for level in update.bids { bids.set(level.price, level.quantity) }
        for level in update.asks { asks.set(level.price, level.quantity) }
        lastUpdateId = update.finalUpdateId
    }

    /// Best bid and ask.
    public var bestBid: PriceLevel? { bids.best }
    public var bestAsk: PriceLevel? { asks.best }

    /// Ask minus bid.
    public var spread: ExactDecimal? {
        guard let b = bestBid?.price, let a = bestAsk?.price else { return nil }
        return a - b
    }

    /// Midpoint of the best bid and ask.
    public var mid: ExactDecimal? {
        guard let b = bestBid?.price, let a = bestAsk?.price else { return nil }
        return (b + a) * ExactDecimal(mantissa: 5, scale: 1)
    }

    /// (bid depth − ask depth) / (bid depth + ask depth) over the best `levels`, in −1…1.
    public func imbalance(levels: Int = 10) -> ExactDecimal? {
        let b = bids.depth(levels)
        let a = asks.depth(levels)
        return (b - a).divided(by: b + a, scale: 6)
    }

    /// Running totals of quantity over the best `levels` levels of a side (for depth bars).
    public func cumulativeDepth(bids side: Bool, levels: Int) -> [ExactDecimal] {
        var total = ExactDecimal.zero
        return (side ? bids : asks).top(levels).map { total += $0.quantity; return total }
    }

    /// The best `n` levels a side as a snapshot.
    public func snapshot(levels n: Int = .max) -> DepthSnapshot {
        DepthSnapshot(lastUpdateId: lastUpdateId, bids: bids.top(n), asks: asks.top(n))
    }
}
