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

    /// Creates a symbol.
    public init(name: String, startPrice: ExactDecimal, tickSize: ExactDecimal, lotSize: ExactDecimal) {
        self.name = name
        self.startPrice = startPrice
        self.tickSize = tickSize
        self.lotSize = lotSize
    }

    /// The default listing: ten perpetuals with realistic prices, ticks and lots.
    public static let defaults: [SimSymbol] = [
        SimSymbol(name: "BTCUSDT", startPrice: 97_250, tickSize: ExactDecimal(mantissa: 1, scale: 1),
                  lotSize: ExactDecimal(mantissa: 1, scale: 3)),
        SimSymbol(name: "ETHUSDT", startPrice: ExactDecimal(mantissa: 345_012, scale: 2),
                  tickSize: ExactDecimal(mantissa: 1, scale: 2), lotSize: ExactDecimal(mantissa: 1, scale: 3)),
        SimSymbol(name: "ASTERUSDT", startPrice: ExactDecimal(mantissa: 12_345, scale: 5),
                  tickSize: ExactDecimal(mantissa: 1, scale: 5), lotSize: 1),
        SimSymbol(name: "SOLUSDT", startPrice: ExactDecimal(mantissa: 18_734, scale: 2),
                  tickSize: ExactDecimal(mantissa: 1, scale: 2), lotSize: ExactDecimal(mantissa: 1, scale: 2)),
        SimSymbol(name: "BNBUSDT", startPrice: ExactDecimal(mantissa: 65_421, scale: 2),
                  tickSize: ExactDecimal(mantissa: 1, scale: 2), lotSize: ExactDecimal(mantissa: 1, scale: 2)),
        SimSymbol(name: "XRPUSDT", startPrice: ExactDecimal(mantissa: 23_456, scale: 4),
                  tickSize: ExactDecimal(mantissa: 1, scale: 4), lotSize: ExactDecimal(mantissa: 1, scale: 1)),
        SimSymbol(name: "DOGEUSDT", startPrice: ExactDecimal(mantissa: 38_123, scale: 5),
                  tickSize: ExactDecimal(mantissa: 1, scale: 5), lotSize: 1),
        SimSymbol(name: "ADAUSDT", startPrice: ExactDecimal(mantissa: 10_234, scale: 5),
                  tickSize: ExactDecimal(mantissa: 1, scale: 5), lotSize: 1),
        SimSymbol(name: "LINKUSDT", startPrice: ExactDecimal(mantissa: 24_567, scale: 3),
                  tickSize: ExactDecimal(mantissa: 1, scale: 3), lotSize: ExactDecimal(mantissa: 1, scale: 2)),
        SimSymbol(name: "AVAXUSDT", startPrice: ExactDecimal(mantissa: 41_230, scale: 3),
                  tickSize: ExactDecimal(mantissa: 1, scale: 3), lotSize: ExactDecimal(mantissa: 1, scale: 1)),
    ]
}
