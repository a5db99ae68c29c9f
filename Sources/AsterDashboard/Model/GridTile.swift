import AsterKit

/// Why a grid tile flashes.
public enum TileFlash: Sendable, Hashable {
    /// A large taker buy or sell (``LargeTradeRule``).
    case largeBuy, largeSell
    /// A liquidation of the symbol.
    case liquidation
}

/// One symbol in the grid view: last price, 24 h change, the last hour's prices, funding, and a
/// flash after a large trade or a liquidation.
public struct GridTile: Sendable, Hashable {
    /// The symbol.
    public var symbol: String
    /// Last price.
    public var last: ExactDecimal
    /// 24 h change in percent.
    public var changePercent: ExactDecimal
    /// Last prices over the last hour, oldest first (one every ``DashboardModel/sparkIntervalMs``).
    public var spark: [ExactDecimal]
    /// The latest funding rate (a fraction: 0.0001 is 0.01 %), once the mark price stream gave one.
    public var funding: ExactDecimal?
    /// A flash in force, if any.
    public var flash: TileFlash?

    /// Creates a tile.
    public init(symbol: String, last: ExactDecimal, changePercent: ExactDecimal, spark: [ExactDecimal] = [],
                funding: ExactDecimal? = nil, flash: TileFlash? = nil) {
        self.symbol = symbol
        self.last = last
        self.changePercent = changePercent
        self.spark = spark
        self.funding = funding
        self.flash = flash
    }
}
