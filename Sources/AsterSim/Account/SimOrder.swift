import AsterKit

/// An order of one account.
public struct SimOrder: Sendable, Hashable {
    public var orderId: Int64
    public var clientOrderId: String
    public var symbol: String
    public var side: String
    public var price: ExactDecimal
    public var quantity: ExactDecimal
    public var executed: ExactDecimal = .zero
    public var cumulativeQuote: ExactDecimal = .zero
    public var status: String = "NEW"
    public var time: Int64
    public var updateTime: Int64
    /// Current type (`LIMIT`, `MARKET`; a triggered `STOP` becomes `LIMIT`) and the type sent.
    public var type: String = "LIMIT"
    public var origType: String = "LIMIT"
    public var timeInForce: String = "GTC"
    public var reduceOnly = false
    public var closePosition = false
    public var positionSide = "BOTH"
    public var stopPrice: ExactDecimal = .zero
    public var workingType = "CONTRACT_PRICE"
    public var priceProtect = false
    /// `TRAILING_STOP_MARKET`: the activation price (`nil`: active from the start), the callback
    /// rate in percent (1 for 1 %), and the extreme working price since it was placed (the highest
    /// for a sell, the lowest for a buy).
    public var activationPrice: ExactDecimal?
    public var callbackRate: ExactDecimal?
    public var trailingExtreme: ExactDecimal?
    /// Self-trade prevention when it meets an order of its own account (`EXPIRE_TAKER`,
    /// `EXPIRE_MAKER`, `EXPIRE_BOTH`; the account's mode unless the order named one).
    public var stpMode = "EXPIRE_TAKER"
    /// How many times `PUT order` changed it (the spec allows 10,000).
    public var modifications = 0
    /// Conditional orders (`STOP*`, `TAKE_PROFIT*`) wait for their trigger.
    public var isConditional: Bool { type != "LIMIT" && type != "MARKET" }
}

/// One of the account's fills (`userTrades`).
public struct SimUserTrade: Sendable, Hashable {
    public var id: Int64
    public var orderId: Int64
    public var symbol: String
    public var side: String
    public var positionSide: String
    public var price: ExactDecimal
    public var quantity: ExactDecimal
    public var commission: ExactDecimal
    public var realizedPnl: ExactDecimal
    public var maker: Bool
    public var time: Int64
}

/// One line of the account's income history (`income`).
public struct SimIncome: Sendable, Hashable {
    public var symbol: String
    public var type: String
    public var income: ExactDecimal
    public var info: String
    public var time: Int64
    public var tranId: Int64
    public var tradeId: String
}

/// A position: one per symbol in one-way mode (`BOTH`), a `LONG` and a `SHORT` one in hedge mode.
/// Short amounts are negative.
public struct SimPosition: Sendable, Hashable {
    public var amount: ExactDecimal = .zero
    public var entryPrice: ExactDecimal = .zero
    public var updateTime: Int64 = 0
}

/// What the market looks like to the account at one moment.
public struct SimQuote: Sendable {
    public var symbol: String
    public var bid: ExactDecimal
    public var ask: ExactDecimal
    public var mark: ExactDecimal
    public var tickSize: ExactDecimal
    public var lotSize: ExactDecimal
    /// Last trade price.
    public var last: ExactDecimal = .zero
}
