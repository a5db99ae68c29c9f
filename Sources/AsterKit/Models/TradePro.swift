/// An individual trade with its on-chain hash (`<symbol>@tradepro`).
public struct TradePro: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64
    /// Transaction time (`T`, ms).
    public var transactionTime: Int64
    /// Symbol, upper case.
    public var symbol: String
    /// Trade id (`t`).
    public var tradeId: Int64
    /// Price (`p`).
    public var price: ExactDecimal
    /// Quantity (`q`).
    public var quantity: ExactDecimal
    /// Transaction hash (`h`).
    public var transactionHash: String
    /// Participant addresses (`m`): taker first, then maker (may read `hidden`).
    public var participants: [String]

    /// Creates a trade.
    public init(
        eventTime: Int64, transactionTime: Int64, symbol: String, tradeId: Int64, price: ExactDecimal,
        quantity: ExactDecimal, transactionHash: String, participants: [String]
    ) {
        self.eventTime = eventTime
        self.transactionTime = transactionTime
        self.symbol = symbol
        self.tradeId = tradeId
        self.price = price
        self.quantity = quantity
        self.transactionHash = transactionHash
        self.participants = participants
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, T: Int64?, s: String?, t: Int64?, p: ExactDecimal?, q: ExactDecimal?, h: String?
        var m: [String]?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .T_: T = try r.readInt64()
            case .s: s = try r.readString()
            case .t: t = try r.readInt64()
            case .p: p = try r.readDecimal()
            case .q: q = try r.readDecimal()
            case .h: h = try r.readString()
            case .m: m = try r.readStringArray()
            default: try r.skipValue()
            }
        }
        self.init(
            eventTime: try required(E, "E", r), transactionTime: try required(T, "T", r), symbol: try required(s, "s", r),
            tradeId: try required(t, "t", r), price: try required(p, "p", r), quantity: try required(q, "q", r),
            transactionHash: try required(h, "h", r), participants: try required(m, "m", r))
    }
}

extension JSONReader {
    /// Reads `["a","b",...]`.
    mutating func readStringArray() throws(DecodingFailure) -> [String] {
        var out: [String] = []
        try beginArray()
        var first = true
        while try nextElement(first: first) {
            first = false
            out.append(try readString())
        }
        return out
    }
}
