/// Mark price, index price and funding of one symbol (`GET /fapi/v1/premiumIndex`).
public struct PremiumIndex: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// Mark price (`markPrice`).
    public var markPrice: ExactDecimal
    /// Index price (`indexPrice`).
    public var indexPrice: ExactDecimal
    /// Estimated settle price (`estimatedSettlePrice`), meaningful in the last hour before settlement.
    public var estimatedSettlePrice: ExactDecimal
    /// The latest funding rate (`lastFundingRate`).
    public var lastFundingRate: ExactDecimal
    /// Next funding time (`nextFundingTime`, ms).
    public var nextFundingTime: Int64
    /// Interest rate (`interestRate`).
    public var interestRate: ExactDecimal
    /// Time of the values (`time`, ms).
    public var time: Int64

    /// Creates a premium index.
    public init(symbol: String, markPrice: ExactDecimal, indexPrice: ExactDecimal, estimatedSettlePrice: ExactDecimal,
                lastFundingRate: ExactDecimal, nextFundingTime: Int64, interestRate: ExactDecimal, time: Int64) {
        self.symbol = symbol
        self.markPrice = markPrice
        self.indexPrice = indexPrice
        self.estimatedSettlePrice = estimatedSettlePrice
        self.lastFundingRate = lastFundingRate
        self.nextFundingTime = nextFundingTime
        self.interestRate = interestRate
        self.time = time
    }
}

extension PremiumIndex {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(symbol: try f.string("symbol"), markPrice: try f.decimal("markPrice"),
                  indexPrice: try f.decimal("indexPrice"), estimatedSettlePrice: try f.decimal("estimatedSettlePrice"),
                  lastFundingRate: try f.decimal("lastFundingRate"), nextFundingTime: try f.int("nextFundingTime"),
                  interestRate: try f.decimal("interestRate"), time: try f.int("time"))
    }
}
