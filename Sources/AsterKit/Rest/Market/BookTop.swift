/// Best bid and ask of one symbol (`GET /fapi/v1/ticker/bookTicker`).
public struct BookTop: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// Best bid price (`bidPrice`).
    public var bidPrice: ExactDecimal
    /// Quantity at the best bid (`bidQty`).
    public var bidQuantity: ExactDecimal
    /// Best ask price (`askPrice`).
    public var askPrice: ExactDecimal
    /// Quantity at the best ask (`askQty`).
    public var askQuantity: ExactDecimal
    /// Transaction time (`time`, ms).
    public var time: Int64

    /// Creates a book top.
    public init(symbol: String, bidPrice: ExactDecimal, bidQuantity: ExactDecimal, askPrice: ExactDecimal,
                askQuantity: ExactDecimal, time: Int64) {
        self.symbol = symbol
        self.bidPrice = bidPrice
        self.bidQuantity = bidQuantity
        self.askPrice = askPrice
        self.askQuantity = askQuantity
        self.time = time
    }
}

extension BookTop {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(symbol: try f.string("symbol"), bidPrice: try f.decimal("bidPrice"), bidQuantity: try f.decimal("bidQty"),
                  askPrice: try f.decimal("askPrice"), askQuantity: try f.decimal("askQty"), time: try f.int("time"))
    }
}
