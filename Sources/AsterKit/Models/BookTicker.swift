/// Best bid and ask (`<symbol>@bookTicker`, `!bookTicker`).
public struct BookTicker: Sendable, Hashable {
    /// Order book update id (`u`).
    public var updateId: Int64
    /// Event time (ms).
    public var eventTime: Int64
    /// Transaction time (`T`, ms).
    public var transactionTime: Int64
    /// Symbol, upper case.
    public var symbol: String
    /// Best bid price (`b`).
    public var bidPrice: ExactDecimal
    /// Best bid quantity (`B`).
    public var bidQuantity: ExactDecimal
    /// Best ask price (`a`).
    public var askPrice: ExactDecimal
    /// Best ask quantity (`A`).
    public var askQuantity: ExactDecimal

    /// Creates a book ticker.
    public init(
        updateId: Int64, eventTime: Int64, transactionTime: Int64, symbol: String, bidPrice: ExactDecimal,
        bidQuantity: ExactDecimal, askPrice: ExactDecimal, askQuantity: ExactDecimal
    ) {
        self.updateId = updateId
        self.eventTime = eventTime
        self.transactionTime = transactionTime
        self.symbol = symbol
        self.bidPrice = bidPrice
        self.bidQuantity = bidQuantity
        self.askPrice = askPrice
        self.askQuantity = askQuantity
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var u: Int64?, E: Int64?, T: Int64?, s: String?, b: ExactDecimal?, B: ExactDecimal?
        var a: ExactDecimal?, A: ExactDecimal?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .u: u = try r.readInt64()
            case .E_: E = try r.readInt64()
            case .T_: T = try r.readInt64()
            case .s: s = try r.readString()
            case .b: b = try r.readDecimal()
            case .B_: B = try r.readDecimal()
            case .a: a = try r.readDecimal()
            case .A_: A = try r.readDecimal()
            default: try r.skipValue()
            }
        }
        self.init(
            updateId: try required(u, "u", r), eventTime: try required(E, "E", r), transactionTime: try required(T, "T", r),
            symbol: try required(s, "s", r), bidPrice: try required(b, "b", r), bidQuantity: try required(B, "B", r),
            askPrice: try required(a, "a", r), askQuantity: try required(A, "A", r))
    }
}
