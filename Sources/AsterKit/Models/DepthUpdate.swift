/// One price level: an absolute quantity at a price (zero removes the level).
public struct PriceLevel: Sendable, Hashable {
    /// Price.
    public var price: ExactDecimal
    /// Quantity at that price.
    public var quantity: ExactDecimal

    /// Creates a level.
    public init(price: ExactDecimal, quantity: ExactDecimal) {
        self.price = price
        self.quantity = quantity
    }
}

/// A depth event: a diff (`<symbol>@depth[@100ms|@500ms]`) or a partial book
/// (`<symbol>@depth<5|10|20>[@100ms|@500ms]`); both carry `depthUpdate`.
public struct DepthUpdate: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64
    /// Transaction time (`T`, ms).
    public var transactionTime: Int64
    /// Symbol, upper case.
    public var symbol: String
    /// First update id in the event (`U`).
    public var firstUpdateId: Int64
    /// Final update id in the event (`u`).
    public var finalUpdateId: Int64
    /// Final update id of the previous event (`pu`); the chain a local book checks.
    public var previousFinalUpdateId: Int64
    /// Bid levels to set (`b`).
    public var bids: [PriceLevel]
    /// Ask levels to set (`a`).
    public var asks: [PriceLevel]

    /// Creates a depth update.
    public init(
        eventTime: Int64, transactionTime: Int64, symbol: String, firstUpdateId: Int64, finalUpdateId: Int64,
        previousFinalUpdateId: Int64, bids: [PriceLevel], asks: [PriceLevel]
    ) {
        self.eventTime = eventTime
        self.transactionTime = transactionTime
        self.symbol = symbol
        self.firstUpdateId = firstUpdateId
        self.finalUpdateId = finalUpdateId
        self.previousFinalUpdateId = previousFinalUpdateId
        self.bids = bids
        self.asks = asks
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, T: Int64?, s: String?, U: Int64?, u: Int64?, pu: Int64?
        var b: [PriceLevel]?, a: [PriceLevel]?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .T_: T = try r.readInt64()
            case .s: s = try r.readString()
            case .U_: U = try r.readInt64()
            case .u: u = try r.readInt64()
            case .pu: pu = try r.readInt64()
            case .b: b = try r.readLevels()
            case .a: a = try r.readLevels()
            default: try r.skipValue()
            }
        }
        self.init(
            eventTime: try required(E, "E", r), transactionTime: try required(T, "T", r), symbol: try required(s, "s", r),
            firstUpdateId: try required(U, "U", r), finalUpdateId: try required(u, "u", r),
            previousFinalUpdateId: try required(pu, "pu", r), bids: try required(b, "b", r), asks: try required(a, "a", r))
    }
}

extension JSONReader {
    /// Reads `[["price","qty"], ...]`.
    mutating func readLevels() throws(DecodingFailure) -> [PriceLevel] {
        var levels: [PriceLevel] = []
        try beginArray()
        var first = true
        while try nextElement(first: first) {
            if first { levels.reserveCapacity(24) }
            first = false
            try beginArray()
            guard try nextElement(first: true) else { throw fail(.invalidValue("empty price level")) }
            let price = try readDecimal()
            guard try nextElement(first: false) else { throw fail(.invalidValue("price level without quantity")) }
            let quantity = try readDecimal()
            while try nextElement(first: false) { try skipValue() }
            levels.append(PriceLevel(price: price, quantity: quantity))
        }
        return levels
    }
}
