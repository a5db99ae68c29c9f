/// One market trade of `GET /fapi/v1/trades` or `historicalTrades` (order-book trades only; no
/// insurance fund or ADL trades).
public struct MarketTrade: Sendable, Hashable {
    /// Trade id (`id`).
    public var id: Int64
    /// Price (`price`).
    public var price: ExactDecimal
    /// Quantity (`qty`).
    public var quantity: ExactDecimal
    /// Quote quantity (`quoteQty`).
    public var quoteQuantity: ExactDecimal
    /// Trade time (`time`, ms).
    public var time: Int64
    /// Whether the buyer was the maker (`isBuyerMaker`): `true` means the taker sold.
    public var buyerIsMaker: Bool

    /// The aggressor (taker) side.
    public var takerSide: Side { buyerIsMaker ? .sell : .buy }

    /// Creates a trade.
    public init(id: Int64, price: ExactDecimal, quantity: ExactDecimal, quoteQuantity: ExactDecimal, time: Int64,
                buyerIsMaker: Bool) {
        self.id = id
        self.price = price
        self.quantity = quantity
        self.quoteQuantity = quoteQuantity
        self.time = time
        self.buyerIsMaker = buyerIsMaker
    }
}

extension MarketTrade {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(id: try f.int("id"), price: try f.decimal("price"), quantity: try f.decimal("qty"),
                  quoteQuantity: try f.decimal("quoteQty"), time: try f.int("time"),
                  buyerIsMaker: try f.bool("isBuyerMaker"))
    }
}
