/// One candlestick of `GET /fapi/v1/klines` (a row of twelve columns, the last ignored).
///
/// Unlike a stream ``Kline`` it carries no trade ids, symbol or interval: REST rows have none.
/// Whether it is still open follows from ``closeTime`` and the server's clock.
public struct Candle: Sendable, Hashable {
    /// Open time (column 0, ms); candles are identified by it.
    public var openTime: Int64
    /// Open price (column 1).
    public var open: ExactDecimal
    /// High price (column 2).
    public var high: ExactDecimal
    /// Low price (column 3).
    public var low: ExactDecimal
    /// Close (or latest) price (column 4).
    public var close: ExactDecimal
    /// Base asset volume (column 5).
    public var volume: ExactDecimal
    /// Close time (column 6, ms).
    public var closeTime: Int64
    /// Quote asset volume (column 7).
    public var quoteVolume: ExactDecimal
    /// Number of trades (column 8).
    public var tradeCount: Int64
    /// Taker buy base asset volume (column 9).
    public var takerBuyVolume: ExactDecimal
    /// Taker buy quote asset volume (column 10).
    public var takerBuyQuoteVolume: ExactDecimal

    /// Creates a candle.
    public init(openTime: Int64, open: ExactDecimal, high: ExactDecimal, low: ExactDecimal, close: ExactDecimal,
                volume: ExactDecimal, closeTime: Int64, quoteVolume: ExactDecimal, tradeCount: Int64,
                takerBuyVolume: ExactDecimal, takerBuyQuoteVolume: ExactDecimal) {
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.closeTime = closeTime
        self.quoteVolume = quoteVolume
        self.tradeCount = tradeCount
        self.takerBuyVolume = takerBuyVolume
        self.takerBuyQuoteVolume = takerBuyQuoteVolume
    }

    /// The candle part of a stream kline (its trade ids, symbol and interval dropped), so live
    /// candles and REST history can be kept together.
    public init(_ kline: Kline) {
        self.init(openTime: kline.openTime, open: kline.open, high: kline.high, low: kline.low, close: kline.close,
                  volume: kline.volume, closeTime: kline.closeTime, quoteVolume: kline.quoteVolume,
                  tradeCount: kline.trades, takerBuyVolume: kline.takerBuyVolume,
                  takerBuyQuoteVolume: kline.takerBuyQuoteVolume)
    }
}

extension Candle {
    init(_ r: JSONRow) throws(RESTError) {
        self.init(openTime: try r.int(0, "open time"), open: try r.decimal(1, "open"), high: try r.decimal(2, "high"),
                  low: try r.decimal(3, "low"), close: try r.decimal(4, "close"), volume: try r.decimal(5, "volume"),
                  closeTime: try r.int(6, "close time"), quoteVolume: try r.decimal(7, "quote volume"),
                  tradeCount: try r.int(8, "trades"), takerBuyVolume: try r.decimal(9, "taker buy volume"),
                  takerBuyQuoteVolume: try r.decimal(10, "taker buy quote volume"))
    }
}
