import AsterKit

/// A perpetual contract the simulator lists, with its tick and lot sizes.
public struct SimSymbol: Sendable, Hashable {
    /// Symbol, upper case (`BTCUSDT`).
    public var name: String
    /// Starting price.
    public var startPrice: ExactDecimal
    /// Price tick (PRICE_FILTER tickSize).
    public var tickSize: ExactDecimal
    /// Quantity step (LOT_SIZE stepSize).
    public var lotSize: ExactDecimal
    /// Annualised volatility of the fair price (0.6 is 60 %), calibrated to real perpetuals.
    public var annualVolatility: Double
    /// Hours between funding settlements (`fundingInfo`'s `fundingIntervalHours`).
    public var fundingIntervalHours: Int

    /// Creates a symbol.
    public init(name: String, startPrice: ExactDecimal, tickSize: ExactDecimal, lotSize: ExactDecimal,
                annualVolatility: Double = 0.8, fundingIntervalHours: Int = 8) {
        self.name = name
        self.startPrice = startPrice
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.annualVolatility = annualVolatility
        self.fundingIntervalHours = fundingIntervalHours
    }

    /// The funding interval in milliseconds.
    public var fundingPeriod: Int64 { Int64(fundingIntervalHours) * 3_600_000 }

    /// The default listing: ten perpetuals with realistic prices, ticks, lots, volatilities
    /// (annualised 40–120 %) and funding intervals (8 h for the majors, 4 h for the rest).
    public static let defaults: [SimSymbol] = [
        SimSymbol(name: "BTCUSDT", startPrice: 97_250, tickSize: ExactDecimal(mantissa: 1, scale: 1),
                  lotSize: ExactDecimal(mantissa: 1, scale: 3),
                  annualVolatility: 0.4, fundingIntervalHours: 8),
        SimSymbol(name: "ETHUSDT", startPrice: ExactDecimal(mantissa: 345_012, scale: 2),
                  tickSize: ExactDecimal(mantissa: 1, scale: 2), lotSize: ExactDecimal(mantissa: 1, scale: 3),
                  annualVolatility: 0.55, fundingIntervalHours: 8),
        SimSymbol(name: "ASTERUSDT", startPrice: ExactDecimal(mantissa: 12_345, scale: 5),
                  tickSize: ExactDecimal(mantissa: 1, scale: 5), lotSize: 1,
                  annualVolatility: 1.2, fundingIntervalHours: 4),
        SimSymbol(name: "SOLUSDT", startPrice: ExactDecimal(mantissa: 18_734, scale: 2),
                  tickSize: ExactDecimal(mantissa: 1, scale: 2), lotSize: ExactDecimal(mantissa: 1, scale: 2),
                  annualVolatility: 0.85, fundingIntervalHours: 8),
        SimSymbol(name: "BNBUSDT", startPrice: ExactDecimal(mantissa: 65_421, scale: 2),
                  tickSize: ExactDecimal(mantissa: 1, scale: 2), lotSize: ExactDecimal(mantissa: 1, scale: 2),
                  annualVolatility: 0.45, fundingIntervalHours: 8),
        SimSymbol(name: "XRPUSDT", startPrice: ExactDecimal(mantissa: 23_456, scale: 4),
                  tickSize: ExactDecimal(mantissa: 1, scale: 4), lotSize: ExactDecimal(mantissa: 1, scale: 1),
                  annualVolatility: 0.8, fundingIntervalHours: 8),
        SimSymbol(name: "DOGEUSDT", startPrice: ExactDecimal(mantissa: 38_123, scale: 5),
                  tickSize: ExactDecimal(mantissa: 1, scale: 5), lotSize: 1,
                  annualVolatility: 0.95, fundingIntervalHours: 4),
        SimSymbol(name: "ADAUSDT", startPrice: ExactDecimal(mantissa: 10_234, scale: 5),
                  tickSize: ExactDecimal(mantissa: 1, scale: 5), lotSize: 1,
                  annualVolatility: 0.85, fundingIntervalHours: 4),
        SimSymbol(name: "LINKUSDT", startPrice: ExactDecimal(mantissa: 24_567, scale: 3),
                  tickSize: ExactDecimal(mantissa: 1, scale: 3), lotSize: ExactDecimal(mantissa: 1, scale: 2),
                  annualVolatility: 0.9, fundingIntervalHours: 4),
        SimSymbol(name: "AVAXUSDT", startPrice: ExactDecimal(mantissa: 41_230, scale: 3),
                  tickSize: ExactDecimal(mantissa: 1, scale: 3), lotSize: ExactDecimal(mantissa: 1, scale: 1),
                  annualVolatility: 1.0, fundingIntervalHours: 4),
    ]
}
