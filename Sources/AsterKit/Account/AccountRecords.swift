import Foundation

/// An order as `GET /fapi/v1/openOrders`, `openOrder` and `allOrders` report it (V3: the same
/// under `/fapi/v3`).
public struct OpenOrder: Sendable, Hashable {
    /// Order id (`orderId`).
    public var orderId: Int64
    /// Client order id (`clientOrderId`).
    public var clientOrderId: String
    /// Symbol (`symbol`).
    public var symbol: String
    /// Side (`side`).
    public var side: Side
    /// Type (`type`).
    public var type: OrderType
    /// Status (`status`).
    public var status: OrderStatus
    /// Time in force (`timeInForce`).
    public var timeInForce: TimeInForce
    /// Limit price (`price`; zero for market-style orders).
    public var price: ExactDecimal
    /// Ordered quantity (`origQty`).
    public var originalQuantity: ExactDecimal
    /// Filled quantity (`executedQty`).
    public var executedQuantity: ExactDecimal
    /// Average fill price (`avgPrice`).
    public var averagePrice: ExactDecimal
    /// Order time (`time`).
    public var time: Int64
    /// Last update time (`updateTime`).
    public var updateTime: Int64
    /// Filled quote quantity (`cumQuote`).
    public var cumulativeQuote: ExactDecimal = .zero
    /// Type as placed (`origType`).
    public var originalType: OrderType = .limit
    /// Reduce-only (`reduceOnly`).
    public var reduceOnly: Bool = false
    /// Position side (`positionSide`).
    public var positionSide: PositionSide = .both
    /// Trigger price (`stopPrice`; to be ignored for trailing stops).
    public var stopPrice: ExactDecimal = .zero
    /// Close-all (`closePosition`).
    public var closePosition: Bool = false
    /// Trigger price type (`workingType`).
    public var workingType: WorkingType = .contractPrice
    /// Trigger protection (`priceProtect`).
    public var priceProtect: Bool = false
    /// Activation price of a trailing stop (`activatePrice`, only sent for trailing stops).
    public var activatePrice: ExactDecimal?
    /// Callback rate of a trailing stop (`priceRate`, only sent for trailing stops).
    public var priceRate: ExactDecimal?

    /// Creates an order.
    public init(orderId: Int64, clientOrderId: String, symbol: String, side: Side, type: OrderType, status: OrderStatus,
                timeInForce: TimeInForce, price: ExactDecimal, originalQuantity: ExactDecimal, executedQuantity: ExactDecimal,
                averagePrice: ExactDecimal, time: Int64, updateTime: Int64, positionSide: PositionSide = .both) {
        self.orderId = orderId
        self.clientOrderId = clientOrderId
        self.symbol = symbol
        self.side = side
        self.type = type
        self.status = status
        self.timeInForce = timeInForce
        self.price = price
        self.originalQuantity = originalQuantity
        self.executedQuantity = executedQuantity
        self.averagePrice = averagePrice
        self.time = time
        self.updateTime = updateTime
        self.originalType = type
        self.positionSide = positionSide
    }
}

/// One asset of `GET /fapi/v2/balance` (V3: `/fapi/v3/balance`).
public struct FuturesBalance: Sendable, Hashable {
    /// Unique account code (`accountAlias`).
    public var accountAlias: String
    /// Asset name (`asset`).
    public var asset: String
    /// Wallet balance (`balance`).
    public var balance: ExactDecimal
    /// Crossed wallet balance (`crossWalletBalance`).
    public var crossWalletBalance: ExactDecimal
    /// Unrealised profit of crossed positions (`crossUnPnl`).
    public var crossUnrealizedProfit: ExactDecimal
    /// Available balance (`availableBalance`).
    public var availableBalance: ExactDecimal
    /// Maximum amount for transfer out (`maxWithdrawAmount`).
    public var maxWithdrawAmount: ExactDecimal
    /// Whether the asset can be margin in Multi-Assets mode (`marginAvailable`).
    public var marginAvailable: Bool
    /// Last update time (`updateTime`).
    public var updateTime: Int64
}

/// One row of `GET /fapi/v2/positionRisk` (V3: `/fapi/v3/positionRisk`), as the server computes it.
public struct PositionRisk: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// `BOTH`, `LONG` or `SHORT` (`positionSide`).
    public var positionSide: PositionSide
    /// Amount (`positionAmt`), negative for a short.
    public var positionAmount: ExactDecimal
    /// Average entry price (`entryPrice`).
    public var entryPrice: ExactDecimal
    /// Mark price (`markPrice`).
    public var markPrice: ExactDecimal
    /// Unrealised profit (`unRealizedProfit`).
    public var unrealizedProfit: ExactDecimal
    /// Liquidation price (`liquidationPrice`; zero when there is none).
    public var liquidationPrice: ExactDecimal
    /// Current initial leverage (`leverage`).
    public var leverage: Int
    /// Maximum notional at the current leverage (`maxNotionalValue`).
    public var maxNotionalValue: ExactDecimal
    /// `isolated` or `cross` (`marginType`).
    public var marginType: MarginType
    /// Isolated margin (`isolatedMargin`).
    public var isolatedMargin: ExactDecimal
    /// Auto-add margin (`isAutoAddMargin`, sent as the text "true"/"false").
    public var isAutoAddMargin: Bool
    /// Last update time (`updateTime`).
    public var updateTime: Int64
}

/// One fill of `GET /fapi/v1/userTrades` (V3: `/fapi/v3/userTrades`).
public struct UserTrade: Sendable, Hashable {
    /// Trade id (`id`).
    public var id: Int64
    /// Order id (`orderId`).
    public var orderId: Int64
    /// Symbol (`symbol`).
    public var symbol: String
    /// Side (`side`).
    public var side: Side
    /// Position side (`positionSide`).
    public var positionSide: PositionSide
    /// Price (`price`).
    public var price: ExactDecimal
    /// Quantity (`qty`).
    public var quantity: ExactDecimal
    /// Quote quantity (`quoteQty`).
    public var quoteQuantity: ExactDecimal
    /// Realised PnL (`realizedPnl`).
    public var realizedPnL: ExactDecimal
    /// Commission (`commission`; negative when paid).
    public var commission: ExactDecimal
    /// Commission asset (`commissionAsset`).
    public var commissionAsset: String
    /// Buyer (`buyer`).
    public var buyer: Bool
    /// Maker (`maker`).
    public var maker: Bool
    /// Trade time (`time`).
    public var time: Int64
}

/// One entry of `GET /fapi/v1/income` (V3: `/fapi/v3/income`).
public struct IncomeRecord: Sendable, Hashable {
    /// Symbol (`symbol`), `nil` when the entry has none (sent as "").
    public var symbol: String?
    /// `TRANSFER`, `REALIZED_PNL`, `FUNDING_FEE`, `COMMISSION`, … (`incomeType`).
    public var incomeType: String
    /// Amount (`income`).
    public var income: ExactDecimal
    /// Asset (`asset`).
    public var asset: String
    /// Extra information (`info`).
    public var info: String
    /// Time (`time`).
    public var time: Int64
    /// Transaction id (`tranId`).
    public var transactionId: Int64
    /// Trade id (`tradeId`), `nil` when the entry has none (sent as "").
    public var tradeId: Int64?
}

/// `GET /fapi/v1/commissionRate` (V3: `/fapi/v3/commissionRate`).
public struct CommissionRate: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// Maker rate (`makerCommissionRate`, 0.0002 = 0.02 %).
    public var maker: ExactDecimal
    /// Taker rate (`takerCommissionRate`).
    public var taker: ExactDecimal
}

extension OpenOrder {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(orderId: try f.int("orderId"), clientOrderId: try f.string("clientOrderId"), symbol: try f.string("symbol"),
                  side: try f.wire("side"), type: try f.wire("type"), status: try f.wire("status"),
                  timeInForce: try f.wire("timeInForce"), price: try f.decimal("price"), originalQuantity: try f.decimal("origQty"),
                  executedQuantity: try f.decimal("executedQty"), averagePrice: try f.decimal("avgPrice"),
                  time: try f.int("time"), updateTime: try f.int("updateTime"), positionSide: try f.wire("positionSide"))
        cumulativeQuote = try f.decimal("cumQuote")
        originalType = try f.wire("origType")
        reduceOnly = try f.bool("reduceOnly")
        stopPrice = try f.decimal("stopPrice")
        closePosition = try f.bool("closePosition")
        workingType = try f.wire("workingType")
        priceProtect = try f.bool("priceProtect")
        activatePrice = try f.optionalDecimal("activatePrice")
        priceRate = try f.optionalDecimal("priceRate")
    }
}

extension FuturesBalance {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(accountAlias: try f.string("accountAlias"), asset: try f.string("asset"), balance: try f.decimal("balance"),
                  crossWalletBalance: try f.decimal("crossWalletBalance"), crossUnrealizedProfit: try f.decimal("crossUnPnl"),
                  availableBalance: try f.decimal("availableBalance"), maxWithdrawAmount: try f.decimal("maxWithdrawAmount"),
                  marginAvailable: try f.bool("marginAvailable"), updateTime: try f.int("updateTime"))
    }
}

extension PositionRisk {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(symbol: try f.string("symbol"), positionSide: try f.wire("positionSide"),
                  positionAmount: try f.decimal("positionAmt"), entryPrice: try f.decimal("entryPrice"),
                  markPrice: try f.decimal("markPrice"), unrealizedProfit: try f.decimal("unRealizedProfit"),
                  liquidationPrice: try f.decimal("liquidationPrice"), leverage: Int(try f.int("leverage")),
                  maxNotionalValue: try f.decimal("maxNotionalValue"), marginType: try f.wire("marginType"),
                  isolatedMargin: try f.decimal("isolatedMargin"), isAutoAddMargin: try f.bool("isAutoAddMargin"),
                  updateTime: try f.int("updateTime"))
    }
}

extension UserTrade {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(id: try f.int("id"), orderId: try f.int("orderId"), symbol: try f.string("symbol"), side: try f.wire("side"),
                  positionSide: try f.wire("positionSide"), price: try f.decimal("price"), quantity: try f.decimal("qty"),
                  quoteQuantity: try f.decimal("quoteQty"), realizedPnL: try f.decimal("realizedPnl"),
                  commission: try f.decimal("commission"), commissionAsset: try f.string("commissionAsset"),
                  buyer: try f.bool("buyer"), maker: try f.bool("maker"), time: try f.int("time"))
    }
}

extension IncomeRecord {
    init(_ f: JSONFields) throws(RESTError) {
        let symbol = try f.string("symbol")
        // Sent as text, "" when the entry has no trade.
        let tradeId: Int64?
        switch f.object["tradeId"] {
        case let text as String where text.isEmpty: tradeId = nil
        case let text as String:
            guard let id = Int64(text) else { throw f.malformed("tradeId") }
            tradeId = id
        case is NSNumber: tradeId = try f.int("tradeId")
        case nil, is NSNull: throw f.missing("tradeId")
        default: throw f.malformed("tradeId")
        }
        self.init(symbol: symbol.isEmpty ? nil : symbol, incomeType: try f.string("incomeType"), income: try f.decimal("income"),
                  asset: try f.string("asset"), info: try f.string("info"), time: try f.int("time"),
                  transactionId: try f.int("tranId"), tradeId: tradeId)
    }
}

extension CommissionRate {
    init(_ f: JSONFields) throws(RESTError) {
        self.init(symbol: try f.string("symbol"), maker: try f.decimal("makerCommissionRate"),
                  taker: try f.decimal("takerCommissionRate"))
    }
}
