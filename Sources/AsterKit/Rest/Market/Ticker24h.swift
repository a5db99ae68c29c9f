/// Rolling 24 h statistics of one symbol (`GET /fapi/v1/ticker/24hr`).
public struct Ticker24h: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// Price change (`priceChange`).
    public var priceChange: ExactDecimal
    /// Price change in percent (`priceChangePercent`).
    public var priceChangePercent: ExactDecimal
    /// Weighted average price (`weightedAvgPrice`).
    public var weightedAveragePrice: ExactDecimal
    /// Previous close price (`prevClosePrice`).
    public var previousClosePrice: ExactDecimal
    /// Last price (`lastPrice`).
    public var lastPrice: ExactDecimal
    /// Last quantity (`lastQty`).
    public var lastQuantity: ExactDecimal
    /// Open price (`openPrice`).
    public var openPrice: ExactDecimal
    /// High price (`highPrice`).
    public var highPrice: ExactDecimal
    /// Low price (`lowPrice`).
    public var lowPrice: ExactDecimal
    /// Base asset volume (`volume`).
    public var volume: ExactDecimal
    /// Quote asset volume (`quoteVolume`).
    public var quoteVolume: ExactDecimal
    /// Window start (`openTime`, ms).
    public var openTime: Int64
    /// Window end (`closeTime`, ms).
    public var closeTime: Int64
    /// First trade id (`firstId`).
    public var firstTradeId: Int64
    /// Last trade id (`lastId`).
    public var lastTradeId: Int64
    /// Number of trades (`count`).
    public var tradeCount: Int64

    /// Creates statistics.
    public init(
        symbol: String, priceChange: ExactDecimal, priceChangePercent: ExactDecimal, weightedAveragePrice: ExactDecimal,
        previousClosePrice: ExactDecimal, lastPrice: ExactDecimal, lastQuantity: ExactDecimal, openPrice: ExactDecimal,
        highPrice: ExactDecimal, lowPrice: ExactDecimal, volume: ExactDecimal, quoteVolume: ExactDecimal,
        openTime: Int64, closeTime: Int64, firstTradeId: Int64, lastTradeId: Int64, tradeCount: Int64
    ) {
        self.symbol = symbol
        self.priceChange = priceChange
        self.priceChangePercent = priceChangePercent
        self.weightedAveragePrice = weightedAveragePrice
        self.previousClosePrice = previousClosePrice
        self.lastPrice = lastPrice
        self.lastQuantity = lastQuantity
        self.openPrice = openPrice
        self.highPrice = highPrice
        self.lowPrice = lowPrice
        self.volume = volume
        self.quoteVolume = quoteVolume
        self.openTime = openTime
        self.closeTime = closeTime
        self.firstTradeId = firstTradeId
        self.lastTradeId = lastTradeId
        self.tradeCount = tradeCount
    }
}

extension Ticker24h {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(
            symbol: try f.string("symbol"), priceChange: try f.decimal("priceChange"),
            priceChangePercent: try f.decimal("priceChangePercent"),
            weightedAveragePrice: try f.decimal("weightedAvgPrice"), previousClosePrice: try f.decimal("prevClosePrice"),
            lastPrice: try f.decimal("lastPrice"), lastQuantity: try f.decimal("lastQty"),
            openPrice: try f.decimal("openPrice"), highPrice: try f.decimal("highPrice"),
            lowPrice: try f.decimal("lowPrice"), volume: try f.decimal("volume"),
            quoteVolume: try f.decimal("quoteVolume"), openTime: try f.int("openTime"), closeTime: try f.int("closeTime"),
            firstTradeId: try f.int("firstId"), lastTradeId: try f.int("lastId"), tradeCount: try f.int("count"))
    }
}
