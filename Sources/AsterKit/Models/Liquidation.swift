/// A liquidation (force) order snapshot (`<symbol>@forceOrder`, `!forceOrder@arr`).
public struct Liquidation: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64
    /// Symbol (`o.s`).
    public var symbol: String
    /// Side (`o.S`).
    public var side: Side
    /// Order type (`o.o`).
    public var orderType: OrderType
    /// Time in force (`o.f`).
    public var timeInForce: TimeInForce
    /// Original quantity (`o.q`).
    public var quantity: ExactDecimal
    /// Price (`o.p`).
    public var price: ExactDecimal
    /// Average price (`o.ap`).
    public var averagePrice: ExactDecimal
    /// Order status (`o.X`).
    public var status: OrderStatus
    /// Last filled quantity (`o.l`).
    public var lastFilledQuantity: ExactDecimal
    /// Accumulated filled quantity (`o.z`).
    public var filledQuantity: ExactDecimal
    /// Trade time (`o.T`, ms).
    public var tradeTime: Int64

    /// Creates a liquidation.
    public init(
        eventTime: Int64, symbol: String, side: Side, orderType: OrderType, timeInForce: TimeInForce,
        quantity: ExactDecimal, price: ExactDecimal, averagePrice: ExactDecimal, status: OrderStatus,
        lastFilledQuantity: ExactDecimal, filledQuantity: ExactDecimal, tradeTime: Int64
    ) {
        self.eventTime = eventTime
        self.symbol = symbol
        self.side = side
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.quantity = quantity
        self.price = price
        self.averagePrice = averagePrice
        self.status = status
        self.lastFilledQuantity = lastFilledQuantity
        self.filledQuantity = filledQuantity
        self.tradeTime = tradeTime
    }

    /// Notional at the average price (or the order price before any fill); `nil` when the product
    /// passes ``ExactDecimal``'s range (a value no real liquidation has).
    public var notional: ExactDecimal? {
        let (value, overflow) = (averagePrice.isZero ? price : averagePrice)
            .multipliedReportingOverflow(by: filledQuantity.isZero ? quantity : filledQuantity)
        return overflow ? nil : value
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?
        var order: Liquidation?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .o: order = try Liquidation(orderReader: &r)
            default: try r.skipValue()
            }
        }
        var value = try required(order, "o", r)
        value.eventTime = try required(E, "E", r)
        self = value
    }

    private init(orderReader r: inout JSONReader) throws(DecodingFailure) {
        var s: String?, S: Side?, o: OrderType?, f: TimeInForce?, q: ExactDecimal?, p: ExactDecimal?
        var ap: ExactDecimal?, X: OrderStatus?, l: ExactDecimal?, z: ExactDecimal?, T: Int64?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .s: s = try r.readString()
            case .S_: S = try r.readEnum()
            case .o: o = try r.readEnum()
            case .f: f = try r.readEnum()
            case .q: q = try r.readDecimal()
            case .p: p = try r.readDecimal()
            case .ap: ap = try r.readDecimal()
            case .X_: X = try r.readEnum()
            case .l: l = try r.readDecimal()
            case .z: z = try r.readDecimal()
            case .T_: T = try r.readInt64()
            default: try r.skipValue()
            }
        }
        self.init(
            eventTime: 0, symbol: try required(s, "o.s", r), side: try required(S, "o.S", r),
            orderType: try required(o, "o.o", r), timeInForce: try required(f, "o.f", r),
            quantity: try required(q, "o.q", r), price: try required(p, "o.p", r),
            averagePrice: try required(ap, "o.ap", r), status: try required(X, "o.X", r),
            lastFilledQuantity: try required(l, "o.l", r), filledQuantity: try required(z, "o.z", r),
            tradeTime: try required(T, "o.T", r))
    }
}
