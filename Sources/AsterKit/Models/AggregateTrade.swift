/// An aggregate trade (`<symbol>@aggTrade`): market trades of one taker order within 100 ms.
public struct AggregateTrade: Sendable, Hashable {
    /// Event time (ms since the epoch).
    public var eventTime: Int64
    /// Symbol, upper case (`BTCUSDT`).
    public var symbol: String
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
    public var tradeTime: Int64
    /// Whether the buyer was the maker (`m`): `true` means the taker sold.
    public var buyerIsMaker: Bool

    /// The aggressor (taker) side.
    public var takerSide: Side { buyerIsMaker ? .sell : .buy }

    /// Creates a trade.
    public init(
        eventTime: Int64, symbol: String, aggregateTradeId: Int64, price: ExactDecimal, quantity: ExactDecimal,
        firstTradeId: Int64, lastTradeId: Int64, tradeTime: Int64, buyerIsMaker: Bool
    ) {
        self.eventTime = eventTime
        self.symbol = symbol
        self.aggregateTradeId = aggregateTradeId
        self.price = price
        self.quantity = quantity
        self.firstTradeId = firstTradeId
        self.lastTradeId = lastTradeId
        self.tradeTime = tradeTime
        self.buyerIsMaker = buyerIsMaker
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, s: String?, a: Int64?, p: ExactDecimal?, q: ExactDecimal?
        var f: Int64?, l: Int64?, T: Int64?, m: Bool?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .s: s = try r.readString()
            case .a: a = try r.readInt64()
            case .p: p = try r.readDecimal()
            case .q: q = try r.readDecimal()
            case .f: f = try r.readInt64()
            case .l: l = try r.readInt64()
            case .T_: T = try r.readInt64()
            case .m: m = try r.readBool()
            default: try r.skipValue()
            }
        }
        self.init(
            eventTime: try required(E, "E", r), symbol: try required(s, "s", r),
            aggregateTradeId: try required(a, "a", r), price: try required(p, "p", r),
            quantity: try required(q, "q", r), firstTradeId: try required(f, "f", r),
            lastTradeId: try required(l, "l", r), tradeTime: try required(T, "T", r),
            buyerIsMaker: try required(m, "m", r))
    }
}
