/// One candlestick as carried by a `kline` event (`k`); every field is required (`B` is ignored).
public struct Kline: Sendable, Hashable {
    /// Start time (`t`, ms).
    public var openTime: Int64
    /// Close time (`T`, ms).
    public var closeTime: Int64
    /// Symbol (`s`).
    public var symbol: String
    /// Interval (`i`).
    public var interval: KlineInterval
    /// First trade id (`f`).
    public var firstTradeId: Int64
    /// Last trade id (`L`).
    public var lastTradeId: Int64
    /// Open price (`o`).
    public var open: ExactDecimal
    /// Close price (`c`).
    public var close: ExactDecimal
    /// High price (`h`).
    public var high: ExactDecimal
    /// Low price (`l`).
    public var low: ExactDecimal
    /// Base asset volume (`v`).
    public var volume: ExactDecimal
    /// Number of trades (`n`).
    public var trades: Int64
    /// Whether this kline is closed (`x`).
    public var isClosed: Bool
    /// Quote asset volume (`q`).
    public var quoteVolume: ExactDecimal
    /// Taker buy base asset volume (`V`).
    public var takerBuyVolume: ExactDecimal
    /// Taker buy quote asset volume (`Q`).
    public var takerBuyQuoteVolume: ExactDecimal

    /// Creates a kline.
    public init(
        openTime: Int64, closeTime: Int64, symbol: String, interval: KlineInterval, firstTradeId: Int64,
        lastTradeId: Int64, open: ExactDecimal, close: ExactDecimal, high: ExactDecimal, low: ExactDecimal,
        volume: ExactDecimal, trades: Int64, isClosed: Bool, quoteVolume: ExactDecimal,
        takerBuyVolume: ExactDecimal, takerBuyQuoteVolume: ExactDecimal
    ) {
        self.openTime = openTime
        self.closeTime = closeTime
        self.symbol = symbol
        self.interval = interval
        self.firstTradeId = firstTradeId
        self.lastTradeId = lastTradeId
        self.open = open
        self.close = close
        self.high = high
        self.low = low
        self.volume = volume
        self.trades = trades
        self.isClosed = isClosed
        self.quoteVolume = quoteVolume
        self.takerBuyVolume = takerBuyVolume
        self.takerBuyQuoteVolume = takerBuyQuoteVolume
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var t: Int64?, T: Int64?, s: String?, i: KlineInterval?, f: Int64?, L: Int64?
        var o: ExactDecimal?, c: ExactDecimal?, h: ExactDecimal?, l: ExactDecimal?, v: ExactDecimal?
        var n: Int64?, x: Bool?, q: ExactDecimal?, V: ExactDecimal?, Q: ExactDecimal?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .t: t = try r.readInt64()
            case .T_: T = try r.readInt64()
            case .s: s = try r.readString()
            case .i: i = try r.readEnum()
            case .f: f = try r.readInt64()
            case .L_: L = try r.readInt64()
            case .o: o = try r.readDecimal()
            case .c: c = try r.readDecimal()
            case .h: h = try r.readDecimal()
            case .l: l = try r.readDecimal()
            case .v: v = try r.readDecimal()
            case .n: n = try r.readInt64()
            case .x: x = try r.readBool()
            case .q: q = try r.readDecimal()
            case .V_: V = try r.readDecimal()
            case .Q_: Q = try r.readDecimal()
            default: try r.skipValue()
            }
        }
        self.init(
            openTime: try required(t, "k.t", r), closeTime: try required(T, "k.T", r), symbol: try required(s, "k.s", r),
            interval: try required(i, "k.i", r), firstTradeId: try required(f, "k.f", r),
            lastTradeId: try required(L, "k.L", r), open: try required(o, "k.o", r), close: try required(c, "k.c", r),
            high: try required(h, "k.h", r), low: try required(l, "k.l", r), volume: try required(v, "k.v", r),
            trades: try required(n, "k.n", r), isClosed: try required(x, "k.x", r), quoteVolume: try required(q, "k.q", r),
            takerBuyVolume: try required(V, "k.V", r), takerBuyQuoteVolume: try required(Q, "k.Q", r))
    }
}

/// A kline update event (`<symbol>@kline_<interval>`).
public struct KlineEvent: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64
    /// Symbol, upper case.
    public var symbol: String
    /// The candlestick so far.
    public var kline: Kline

    /// Creates an event.
    public init(eventTime: Int64, symbol: String, kline: Kline) {
        self.eventTime = eventTime
        self.symbol = symbol
        self.kline = kline
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, s: String?, k: Kline?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .s: s = try r.readString()
            case .k: k = try Kline(reader: &r)
            default: try r.skipValue()
            }
        }
        self.init(eventTime: try required(E, "E", r), symbol: try required(s, "s", r), kline: try required(k, "k", r))
    }
}
