/// One past funding of `GET /fapi/v1/fundingRate`.
public struct FundingRateRecord: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// The rate applied (`fundingRate`).
    public var fundingRate: ExactDecimal
    /// When it was applied (`fundingTime`, ms).
    public var fundingTime: Int64

    /// Creates a record.
    public init(symbol: String, fundingRate: ExactDecimal, fundingTime: Int64) {
        self.symbol = symbol
        self.fundingRate = fundingRate
        self.fundingTime = fundingTime
    }
}

extension FundingRateRecord {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(symbol: try f.string("symbol"), fundingRate: try f.decimal("fundingRate"),
                  fundingTime: try f.int("fundingTime"))
    }
}
