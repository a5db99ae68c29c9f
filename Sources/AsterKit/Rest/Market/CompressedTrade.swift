/// One aggregate trade of `GET /fapi/v1/aggTrades`: fills of one taker order at one price.
public struct CompressedTrade: Sendable, Hashable {
    /// Aggregate trade id (`a`).
    public var aggregateTradeId: Int64
    /// Price (`p`).
    public var price: ExactDecimal
    /// Quantity (`q`).
    public var quantity: ExactDecimal
    /// First trade id (`f`).
    public var firstTradeId: Int64
    /// Last trade id (`l`).
    public var lastTradeId: Int64
    /// Trade time (`T`, ms).
    public var time: Int64
    /// Whether the buyer was the maker (`m`): `true` means the taker sold.
    public var buyerIsMaker: Bool

    /// The aggressor (taker) side.
    public var takerSide: Side { buyerIsMaker ? .sell : .buy }

    /// Creates an aggregate trade.
    public init(aggregateTradeId: Int64, price: ExactDecimal, quantity: ExactDecimal, firstTradeId: Int64,
                lastTradeId: Int64, time: Int64, buyerIsMaker: Bool) {
        self.aggregateTradeId = aggregateTradeId
        self.price = price
        self.quantity = quantity
        self.firstTradeId = firstTradeId
        self.lastTradeId = lastTradeId
        self.time = time
        self.buyerIsMaker = buyerIsMaker
    }
}

extension CompressedTrade {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(aggregateTradeId: try f.int("a"), price: try f.decimal("p"), quantity: try f.decimal("q"),
                  firstTradeId: try f.int("f"), lastTradeId: try f.int("l"), time: try f.int("T"),
                  buyerIsMaker: try f.bool("m"))
    }
}
