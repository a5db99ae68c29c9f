/// One candlestick of the index price (`GET /fapi/v1/indexPriceKlines`) or the mark price
/// (`markPriceKlines`): prices and the number of data points; the volume columns are ignored.
public struct PriceCandle: Sendable, Hashable {
    /// Open time (column 0, ms).
    public var openTime: Int64
    /// Open price (column 1).
    public var open: ExactDecimal
    /// High price (column 2).
    public var high: ExactDecimal
    /// Low price (column 3).
    public var low: ExactDecimal
    /// Close (or latest) price (column 4).
    public var close: ExactDecimal
    /// Close time (column 6, ms).
    public var closeTime: Int64
    /// Number of price samples in the candle (column 8).
    public var dataPoints: Int64

    /// Creates a price candle.
    public init(openTime: Int64, open: ExactDecimal, high: ExactDecimal, low: ExactDecimal, close: ExactDecimal,
                closeTime: Int64, dataPoints: Int64) {
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.closeTime = closeTime
        self.dataPoints = dataPoints
    }
}

extension PriceCandle {
    init(_ r: JSONRow) throws(RESTError) {
        self.init(openTime: try r.int(0, "open time"), open: try r.decimal(1, "open"), high: try r.decimal(2, "high"),
                  low: try r.decimal(3, "low"), close: try r.decimal(4, "close"), closeTime: try r.int(6, "close time"),
                  dataPoints: try r.int(8, "data points"))
    }
}
