/// Rolling 24 h ticker (`<symbol>@ticker`, `!ticker@arr`).
public struct Ticker: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64
    /// Symbol, upper case.
    public var symbol: String
    /// Price change (`p`).
    public var priceChange: ExactDecimal
    /// Price change percent (`P`).
    public var priceChangePercent: ExactDecimal
    /// Weighted average price (`w`).
    public var weightedAveragePrice: ExactDecimal
    /// Last price (`c`).
    public var lastPrice: ExactDecimal
    /// Last quantity (`Q`).
    public var lastQuantity: ExactDecimal
    /// Open price (`o`).
    public var openPrice: ExactDecimal
    /// High price (`h`).
    public var highPrice: ExactDecimal
    /// Low price (`l`).
    public var lowPrice: ExactDecimal
    /// Base asset volume (`v`).
    public var volume: ExactDecimal
    /// Quote asset volume (`q`).
    public var quoteVolume: ExactDecimal
    /// Statistics open time (`O`, ms).
    public var openTime: Int64
    /// Statistics close time (`C`, ms).
    public var closeTime: Int64
    /// First trade id (`F`).
    public var firstTradeId: Int64
    /// Last trade id (`L`).
    public var lastTradeId: Int64
    /// Number of trades (`n`).
    public var tradeCount: Int64

    /// Creates a ticker.
    public init(
        eventTime: Int64, symbol: String, priceChange: ExactDecimal, priceChangePercent: ExactDecimal,
        weightedAveragePrice: ExactDecimal, lastPrice: ExactDecimal, lastQuantity: ExactDecimal,
        openPrice: ExactDecimal, highPrice: ExactDecimal, lowPrice: ExactDecimal, volume: ExactDecimal,
        quoteVolume: ExactDecimal, openTime: Int64, closeTime: Int64, firstTradeId: Int64, lastTradeId: Int64,
        tradeCount: Int64
    ) {
        self.eventTime = eventTime
        self.symbol = symbol
        self.priceChange = priceChange
        self.priceChangePercent = priceChangePercent
        self.weightedAveragePrice = weightedAveragePrice
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

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, s: String?, p: ExactDecimal?, P: ExactDecimal?, w: ExactDecimal?, c: ExactDecimal?
        var Q: ExactDecimal?, o: ExactDecimal?, h: ExactDecimal?, l: ExactDecimal?, v: ExactDecimal?
        var q: ExactDecimal?, O: Int64?, C: Int64?, F: Int64?, L: Int64?, n: Int64?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .s: s = try r.readString()
            case .p: p = try r.readDecimal()
            case .P_: P = try r.readDecimal()
            case .w: w = try r.readDecimal()
            case .c: c = try r.readDecimal()
            case .Q_: Q = try r.readDecimal()
            case .o: o = try r.readDecimal()
            case .h: h = try r.readDecimal()
            case .l: l = try r.readDecimal()
            case .v: v = try r.readDecimal()
            case .q: q = try r.readDecimal()
            case .O_: O = try r.readInt64()
            case .C_: C = try r.readInt64()
            case .F_: F = try r.readInt64()
            case .L_: L = try r.readInt64()
            case .n: n = try r.readInt64()
            default: try r.skipValue()
            }
        }
        self.init(
            eventTime: try required(E, "E", r), symbol: try required(s, "s", r),
            priceChange: try required(p, "p", r), priceChangePercent: try required(P, "P", r),
            weightedAveragePrice: try required(w, "w", r), lastPrice: try required(c, "c", r),
            lastQuantity: try required(Q, "Q", r), openPrice: try required(o, "o", r), highPrice: try required(h, "h", r),
            lowPrice: try required(l, "l", r), volume: try required(v, "v", r), quoteVolume: try required(q, "q", r),
            openTime: try required(O, "O", r), closeTime: try required(C, "C", r), firstTradeId: try required(F, "F", r),
            lastTradeId: try required(L, "L", r), tradeCount: try required(n, "n", r))
    }
}
