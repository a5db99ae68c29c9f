/// The latest price of one symbol (`GET /fapi/v1/ticker/price`).
public struct PriceTicker: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// Latest price (`price`).
    public var price: ExactDecimal
    /// Transaction time (`time`, ms).
    public var time: Int64

    /// Creates a price ticker.
    public init(symbol: String, price: ExactDecimal, time: Int64) {
        self.symbol = symbol
        self.price = price
        self.time = time
    }
}

extension PriceTicker {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(symbol: try f.string("symbol"), price: try f.decimal("price"), time: try f.int("time"))
    }
}
