/// An order update (`ORDER_TRADE_UPDATE`): a new order, a fill, a cancel, an expiry, …
public struct OrderTradeUpdate: Sendable, Hashable {
    /// Event time (ms).
    public var eventTime: Int64
    /// Transaction time (`T`, ms).
    public var transactionTime: Int64
    /// Symbol (`o.s`).
    public var symbol: String
    /// Client order id (`o.c`); `autoclose-…` marks a liquidation, `adl_autoclose` an ADL close.
    public var clientOrderId: String
    /// Side (`o.S`).
    public var side: Side
    /// Order type (`o.o`).
    public var orderType: OrderType
    /// Time in force (`o.f`).
    public var timeInForce: TimeInForce
    /// Original quantity (`o.q`).
    public var originalQuantity: ExactDecimal
    /// Original price (`o.p`).
    public var originalPrice: ExactDecimal
    /// Average fill price (`o.ap`).
    public var averagePrice: ExactDecimal
    /// Stop price (`o.sp`); ignore it for trailing stops.
    public var stopPrice: ExactDecimal
    /// Execution type (`o.x`).
    public var executionType: ExecutionType
    /// Order status (`o.X`).
    public var status: OrderStatus
    /// Order id (`o.i`).
    public var orderId: Int64
    /// Quantity of the last fill (`o.l`).
    public var lastFilledQuantity: ExactDecimal
    /// Accumulated filled quantity (`o.z`).
    public var filledQuantity: ExactDecimal
    /// Price of the last fill (`o.L`).
    public var lastFilledPrice: ExactDecimal
    /// Commission asset (`o.N`); `nil` when there is no commission (the spec: "will not push").
    public var commissionAsset: String?
    /// Commission (`o.n`); `nil` when there is no commission.
    public var commission: ExactDecimal?
    /// Order trade time (`o.T`, ms).
    public var tradeTime: Int64
    /// Trade id (`o.t`).
    public var tradeId: Int64
    /// Bids notional (`o.b`).
    public var bidsNotional: ExactDecimal
    /// Asks notional (`o.a`).
    public var asksNotional: ExactDecimal
    /// Whether this fill was on the maker side (`o.m`).
    public var isMaker: Bool
    /// Whether the order is reduce-only (`o.R`).
    public var isReduceOnly: Bool
    /// Stop price working type (`o.wt`).
    public var workingType: WorkingType
    /// Original order type (`o.ot`).
    public var originalOrderType: OrderType
    /// Position side (`o.ps`).
    public var positionSide: PositionSide
    /// Close-all flag (`o.cp`); only pushed with conditional orders.
    public var closePosition: Bool?
    /// Activation price (`o.AP`); only pushed with trailing stops.
    public var activationPrice: ExactDecimal?
    /// Callback rate (`o.cr`); only pushed with trailing stops.
    public var callbackRate: ExactDecimal?
    /// Realised profit of the trade (`o.rp`).
    public var realizedProfit: ExactDecimal

    /// Creates an update with the fields every order update carries; set the optional ones
    /// (commission, close-all, trailing-stop fields) after.
    public init(
        eventTime: Int64, transactionTime: Int64, symbol: String, clientOrderId: String, side: Side,
        orderType: OrderType, timeInForce: TimeInForce, originalQuantity: ExactDecimal, originalPrice: ExactDecimal,
        averagePrice: ExactDecimal, stopPrice: ExactDecimal, executionType: ExecutionType, status: OrderStatus,
        orderId: Int64, lastFilledQuantity: ExactDecimal, filledQuantity: ExactDecimal, lastFilledPrice: ExactDecimal,
        tradeTime: Int64, tradeId: Int64, bidsNotional: ExactDecimal, asksNotional: ExactDecimal, isMaker: Bool,
        isReduceOnly: Bool, workingType: WorkingType, originalOrderType: OrderType, positionSide: PositionSide,
        realizedProfit: ExactDecimal
    ) {
        self.eventTime = eventTime
        self.transactionTime = transactionTime
        self.symbol = symbol
        self.clientOrderId = clientOrderId
        self.side = side
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.originalQuantity = originalQuantity
        self.originalPrice = originalPrice
        self.averagePrice = averagePrice
        self.stopPrice = stopPrice
        self.executionType = executionType
        self.status = status
        self.orderId = orderId
        self.lastFilledQuantity = lastFilledQuantity
        self.filledQuantity = filledQuantity
        self.lastFilledPrice = lastFilledPrice
        self.tradeTime = tradeTime
        self.tradeId = tradeId
        self.bidsNotional = bidsNotional
        self.asksNotional = asksNotional
        self.isMaker = isMaker
        self.isReduceOnly = isReduceOnly
        self.workingType = workingType
        self.originalOrderType = originalOrderType
        self.positionSide = positionSide
        self.realizedProfit = realizedProfit
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?, T: Int64?
        var order: OrderTradeUpdate?
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .E_: E = try r.readInt64()
            case .T_: T = try r.readInt64()
            case .o: order = try OrderTradeUpdate(orderReader: &r)
            default: try r.skipValue()
            }
        }
        var value = try required(order, "o", r)
        value.eventTime = try required(E, "E", r)
        value.transactionTime = try required(T, "T", r)
        self = value
    }
}
