import AsterKit

/// The risk side of one account: isolated positions' own wallets, the history of their manual
/// margin changes (`positionMargin/history`) and the account's liquidation orders (`forceOrders`).
public struct SimRiskBook: Sendable {
    /// Each isolated position's wallet, by position key (`SYMBOL` or `SYMBOL|LONG`).
    public internal(set) var isolatedWallets: [String: ExactDecimal] = [:]
    /// Margin added to (type 1) or taken from (type 2) isolated positions, oldest first.
    public internal(set) var marginChanges: [SimMarginChange] = []
    /// The account's liquidation orders, finished, oldest first.
    public internal(set) var forceOrders: [SimOrder] = []
    /// Liquidations so far (numbers the `autoclose-` client order ids).
    var liquidations: Int64 = 0

    /// An empty book.
    public init() {}
}

/// One manual change of an isolated position's margin (`POST positionMargin`).
public struct SimMarginChange: Sendable, Hashable {
    public var symbol: String
    public var positionSide: String
    public var amount: ExactDecimal
    /// 1: added, 2: reduced.
    public var type: Int
    public var time: Int64
}
