/// Rolling 24 h mini ticker (`<symbol>@miniTicker`, `!miniTicker@arr`).
public struct MiniTicker: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64
    /// Symbol, upper case.
    public var symbol: String
    /// Last (close) price (`c`).
    public var lastPrice: ExactDecimal
    /// Open price 24 h ago (`o`).
    public var openPrice: ExactDecimal
    /// High price (`h`).
    public var highPrice: ExactDecimal
    /// Low price (`l`).
    public var lowPrice: ExactDecimal
    /// Base asset volume (`v`).
    public var volume: ExactDecimal
    /// Quote asset volume (`q`).
    public var quoteVolume: ExactDecimal

    /// Creates a mini ticker.
    public init(
        eventTime: Int64, symbol: String, lastPrice: ExactDecimal, openPrice: ExactDecimal,
        highPrice: ExactDecimal, lowPrice: ExactDecimal, volume: ExactDecimal, quoteVolume: ExactDecimal
    ) {
        self.eventTime = eventTime
        self.symbol = symbol
        self.lastPrice = lastPrice
        self.openPrice = openPrice
        self.highPrice = highPrice
        self.lowPrice = lowPrice
        self.volume = volume
        self.quoteVolume = quoteVolume
    }

    /// Change over 24 h in percent, rounded to 2 digits; `nil` when the open price is zero.
    public var changePercent: ExactDecimal? {
        (lastPrice - openPrice).divided(by: openPrice, scale: 6).map { ($0 * 100).rounded(scale: 2) }
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, s: String?, c: ExactDecimal?, o: ExactDecimal?, h: ExactDecimal?, l: ExactDecimal?
        var v: ExactDecimal?, q: ExactDecimal?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .s: s = try r.readString()
            case .c: c = try r.readDecimal()
            case .o: o = try r.readDecimal()
            case .h: h = try r.readDecimal()
            case .l: l = try r.readDecimal()
            case .v: v = try r.readDecimal()
            case .q: q = try r.readDecimal()
            default: try r.skipValue()
            }
        }
        self.init(
            eventTime: try required(E, "E", r), symbol: try required(s, "s", r), lastPrice: try required(c, "c", r),
            openPrice: try required(o, "o", r), highPrice: try required(h, "h", r), lowPrice: try required(l, "l", r),
            volume: try required(v, "v", r), quoteVolume: try required(q, "q", r))
    }
}
