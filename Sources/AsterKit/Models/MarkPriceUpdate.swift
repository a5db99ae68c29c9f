/// Mark price and funding (`<symbol>@markPrice[@1s]`, `!markPrice@arr[@1s]`).
public struct MarkPriceUpdate: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64
    /// Symbol, upper case.
    public var symbol: String
    /// Mark price (`p`).
    public var markPrice: ExactDecimal
    /// Index price (`i`).
    public var indexPrice: ExactDecimal
    /// Estimated settle price (`P`), meaningful in the last hour before settlement.
    public var estimatedSettlePrice: ExactDecimal
    /// Funding rate (`r`).
    public var fundingRate: ExactDecimal
    /// Next funding time (`T`, ms).
    public var nextFundingTime: Int64

    /// Creates an update.
    public init(
        eventTime: Int64, symbol: String, markPrice: ExactDecimal, indexPrice: ExactDecimal,
        estimatedSettlePrice: ExactDecimal, fundingRate: ExactDecimal, nextFundingTime: Int64
    ) {
        self.eventTime = eventTime
        self.symbol = symbol
        self.markPrice = markPrice
        self.indexPrice = indexPrice
        self.estimatedSettlePrice = estimatedSettlePrice
        self.fundingRate = fundingRate
        self.nextFundingTime = nextFundingTime
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, s: String?, p: ExactDecimal?, i: ExactDecimal?, P: ExactDecimal?, rate: ExactDecimal?
        var T: Int64?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .s: s = try r.readString()
            case .p: p = try r.readDecimal()
            case .i: i = try r.readDecimal()
            case .P_: P = try r.readDecimal()
            case .r: rate = try r.readDecimal()
            case .T_: T = try r.readInt64()
            default: try r.skipValue()
            }
        }
        self.init(
            eventTime: try required(E, "E", r), symbol: try required(s, "s", r), markPrice: try required(p, "p", r),
            indexPrice: try required(i, "i", r), estimatedSettlePrice: try required(P, "P", r),
            fundingRate: try required(rate, "r", r),
            nextFundingTime: try required(T, "T", r))
    }
}
