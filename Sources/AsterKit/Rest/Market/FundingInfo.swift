/// A symbol's funding configuration (`GET /fapi/v1/fundingInfo`).
public struct FundingInfo: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// Interest rate (`interestRate`).
    public var interestRate: ExactDecimal
    /// Time of the configuration (`time`, ms).
    public var time: Int64
    /// Hours between fundings (`fundingIntervalHours`).
    public var fundingIntervalHours: Int
    /// Highest funding rate (`fundingFeeCap`, a JSON number in the spec, read exactly).
    public var fundingFeeCap: ExactDecimal
    /// Lowest funding rate (`fundingFeeFloor`).
    public var fundingFeeFloor: ExactDecimal

    /// Creates a funding configuration.
    public init(symbol: String, interestRate: ExactDecimal, time: Int64, fundingIntervalHours: Int,
                fundingFeeCap: ExactDecimal, fundingFeeFloor: ExactDecimal) {
        self.symbol = symbol
        self.interestRate = interestRate
        self.time = time
        self.fundingIntervalHours = fundingIntervalHours
        self.fundingFeeCap = fundingFeeCap
        self.fundingFeeFloor = fundingFeeFloor
    }
}

extension FundingInfo {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(symbol: try f.string("symbol"), interestRate: try f.decimal("interestRate"), time: try f.int("time"),
                  fundingIntervalHours: try f.smallInt("fundingIntervalHours"),
                  fundingFeeCap: try f.decimal("fundingFeeCap"), fundingFeeFloor: try f.decimal("fundingFeeFloor"))
    }
}
