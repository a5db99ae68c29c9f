import Foundation

/// One asset of `GET /fapi/v4/account`.
public struct AssetBalance: Sendable, Hashable {
    public var asset: String
    public var walletBalance: ExactDecimal
    public var unrealizedProfit: ExactDecimal
    public var marginBalance: ExactDecimal
    public var availableBalance: ExactDecimal
    public var crossWalletBalance: ExactDecimal
    public var updateTime: Int64

    public init(asset: String, walletBalance: ExactDecimal, unrealizedProfit: ExactDecimal = .zero,
                marginBalance: ExactDecimal? = nil, availableBalance: ExactDecimal? = nil,
                crossWalletBalance: ExactDecimal? = nil, updateTime: Int64 = 0) {
        self.asset = asset
        self.walletBalance = walletBalance
        self.unrealizedProfit = unrealizedProfit
        self.marginBalance = marginBalance ?? walletBalance + unrealizedProfit
        self.availableBalance = availableBalance ?? walletBalance
        self.crossWalletBalance = crossWalletBalance ?? walletBalance
        self.updateTime = updateTime
    }
}

/// One position of `GET /fapi/v4/account`.
public struct PositionInfo: Sendable, Hashable {
    public var symbol: String
    public var positionAmount: ExactDecimal
    public var entryPrice: ExactDecimal
    public var unrealizedProfit: ExactDecimal
    public var leverage: Int
    public var isolated: Bool
    public var positionSide: PositionSide
    public var updateTime: Int64
    /// Maintenance margin at the snapshot (`maintMargin`).
    public var maintenanceMargin: ExactDecimal = .zero
}

/// `GET /fapi/v4/account`: balances and positions.
public struct AccountInformation: Sendable, Hashable {
    public var updateTime: Int64
    public var totalWalletBalance: ExactDecimal
    public var totalUnrealizedProfit: ExactDecimal
    public var totalMarginBalance: ExactDecimal
    public var availableBalance: ExactDecimal
    public var assets: [AssetBalance]
    public var positions: [PositionInfo]

    public init(updateTime: Int64, totalWalletBalance: ExactDecimal, totalUnrealizedProfit: ExactDecimal,
                totalMarginBalance: ExactDecimal, availableBalance: ExactDecimal, assets: [AssetBalance], positions: [PositionInfo]) {
        self.updateTime = updateTime
        self.totalWalletBalance = totalWalletBalance
        self.totalUnrealizedProfit = totalUnrealizedProfit
        self.totalMarginBalance = totalMarginBalance
        self.availableBalance = availableBalance
        self.assets = assets
        self.positions = positions
    }
}

/// One order of `GET /fapi/v1/openOrders`.
public struct OpenOrder: Sendable, Hashable {
    public var orderId: Int64
    public var clientOrderId: String
    public var symbol: String
    public var side: Side
    public var type: OrderType
    public var status: OrderStatus
    public var timeInForce: TimeInForce
    public var price: ExactDecimal
    public var originalQuantity: ExactDecimal
    public var executedQuantity: ExactDecimal
    public var averagePrice: ExactDecimal
    public var time: Int64
    public var updateTime: Int64
}

extension AccountInformation {
    init(_ object: [String: Any], path: String) throws(RESTError) {
        let f = JSONFields(object: object, path: path)
        var assets: [AssetBalance] = []
        for a in try f.objects("assets") {
            let g = JSONFields(object: a, path: path)
            assets.append(AssetBalance(
                asset: try g.string("asset"), walletBalance: try g.decimal("walletBalance"),
                unrealizedProfit: try g.decimal("unrealizedProfit"), marginBalance: try g.decimal("marginBalance"),
                availableBalance: try g.decimal("availableBalance"), crossWalletBalance: try g.decimal("crossWalletBalance"),
                updateTime: try g.int("updateTime")))
        }
        var positions: [PositionInfo] = []
        for p in try f.objects("positions") {
            let g = JSONFields(object: p, path: path)
            positions.append(PositionInfo(
                symbol: try g.string("symbol"), positionAmount: try g.decimal("positionAmt"),
                entryPrice: try g.decimal("entryPrice"), unrealizedProfit: try g.decimal("unrealizedProfit"),
                leverage: Int(try g.int("leverage")), isolated: try g.bool("isolated"),
                positionSide: try g.positionSide("positionSide"), updateTime: try g.int("updateTime"),
                maintenanceMargin: try g.decimal("maintMargin")))
        }
        self.init(updateTime: try f.int("updateTime"), totalWalletBalance: try f.decimal("totalWalletBalance"),
                  totalUnrealizedProfit: try f.decimal("totalUnrealizedProfit"),
                  totalMarginBalance: try f.decimal("totalMarginBalance"),
                  availableBalance: try f.decimal("availableBalance"), assets: assets, positions: positions)
    }
}

extension OpenOrder {
    init(_ object: [String: Any], path: String) throws(RESTError) {
        let f = JSONFields(object: object, path: path)
        self.init(orderId: try f.int("orderId"), clientOrderId: try f.string("clientOrderId"), symbol: try f.string("symbol"),
                  side: Side(wire: try f.string("side")), type: OrderType(wire: try f.string("type")),
                  status: OrderStatus(wire: try f.string("status")), timeInForce: TimeInForce(wire: try f.string("timeInForce")),
                  price: try f.decimal("price"), originalQuantity: try f.decimal("origQty"),
                  executedQuantity: try f.decimal("executedQty"), averagePrice: try f.decimal("avgPrice"),
                  time: try f.int("time"), updateTime: try f.int("updateTime"))
    }
}

extension JSONFields {
    /// `BOTH`, `LONG` or `SHORT`; anything else is malformed.
    func positionSide(_ key: String) throws(RESTError) -> PositionSide {
        let text = try string(key)
        guard ["BOTH", "LONG", "SHORT"].contains(text) else { throw malformed(key) }
        return PositionSide(wire: text)
    }
}
