import Foundation

/// One asset of `GET /fapi/v4/account` (V3: `/fapi/v3/accountWithJoinMargin`).
public struct AssetBalance: Sendable, Hashable {
    /// Asset name (`asset`).
    public var asset: String
    /// Wallet balance (`walletBalance`).
    public var walletBalance: ExactDecimal
    /// Unrealised profit (`unrealizedProfit`).
    public var unrealizedProfit: ExactDecimal
    /// Margin balance (`marginBalance`).
    public var marginBalance: ExactDecimal
    /// Available balance (`availableBalance`).
    public var availableBalance: ExactDecimal
    /// Crossed wallet balance (`crossWalletBalance`).
    public var crossWalletBalance: ExactDecimal
    /// Maintenance margin required (`maintMargin`).
    public var maintenanceMargin: ExactDecimal
    /// Initial margin required at the mark price (`initialMargin`).
    public var initialMargin: ExactDecimal
    /// Unrealised profit of crossed positions (`crossUnPnl`).
    public var crossUnrealizedProfit: ExactDecimal
    /// Maximum amount for transfer out (`maxWithdrawAmount`).
    public var maxWithdrawAmount: ExactDecimal
    /// Whether the asset can be margin in Multi-Assets mode (`marginAvailable`).
    public var marginAvailable: Bool
    /// Last update time (`updateTime`).
    public var updateTime: Int64

    /// Creates a balance; unset figures follow from the wallet balance.
    public init(asset: String, walletBalance: ExactDecimal, unrealizedProfit: ExactDecimal = .zero,
                marginBalance: ExactDecimal? = nil, availableBalance: ExactDecimal? = nil,
                crossWalletBalance: ExactDecimal? = nil, maintenanceMargin: ExactDecimal = .zero,
                initialMargin: ExactDecimal = .zero, crossUnrealizedProfit: ExactDecimal = .zero,
                maxWithdrawAmount: ExactDecimal? = nil, marginAvailable: Bool = true, updateTime: Int64 = 0) {
        self.asset = asset
        self.walletBalance = walletBalance
        self.unrealizedProfit = unrealizedProfit
        self.marginBalance = marginBalance ?? walletBalance + unrealizedProfit
        self.availableBalance = availableBalance ?? walletBalance
        self.crossWalletBalance = crossWalletBalance ?? walletBalance
        self.maintenanceMargin = maintenanceMargin
        self.initialMargin = initialMargin
        self.crossUnrealizedProfit = crossUnrealizedProfit
        self.maxWithdrawAmount = maxWithdrawAmount ?? walletBalance
        self.marginAvailable = marginAvailable
        self.updateTime = updateTime
    }
}

/// One position of `GET /fapi/v4/account`: in one-way mode one `BOTH` row per symbol, in hedge
/// mode a `LONG` and a `SHORT` row.
public struct PositionInfo: Sendable, Hashable {
    /// Symbol (`symbol`).
    public var symbol: String
    /// Amount (`positionAmt`): negative for a short (in hedge mode, the `SHORT` row's).
    public var positionAmount: ExactDecimal
    /// Average entry price (`entryPrice`).
    public var entryPrice: ExactDecimal
    /// Unrealised profit (`unrealizedProfit`).
    public var unrealizedProfit: ExactDecimal
    /// Current initial leverage (`leverage`).
    public var leverage: Int
    /// Whether the position is isolated (`isolated`).
    public var isolated: Bool
    /// `BOTH`, `LONG` or `SHORT` (`positionSide`).
    public var positionSide: PositionSide
    /// Last update time (`updateTime`).
    public var updateTime: Int64
    /// Maintenance margin at the snapshot (`maintMargin`).
    public var maintenanceMargin: ExactDecimal = .zero
    /// Initial margin at the mark price (`initialMargin`).
    public var initialMargin: ExactDecimal = .zero
    /// Maximum notional at the current leverage (`maxNotional`).
    public var maxNotional: ExactDecimal = .zero

    /// Creates a position row.
    public init(symbol: String, positionAmount: ExactDecimal, entryPrice: ExactDecimal, unrealizedProfit: ExactDecimal,
                leverage: Int, isolated: Bool = false, positionSide: PositionSide = .both, updateTime: Int64 = 0,
                maintenanceMargin: ExactDecimal = .zero, initialMargin: ExactDecimal = .zero, maxNotional: ExactDecimal = .zero) {
        self.symbol = symbol
        self.positionAmount = positionAmount
        self.entryPrice = entryPrice
        self.unrealizedProfit = unrealizedProfit
        self.leverage = leverage
        self.isolated = isolated
        self.positionSide = positionSide
        self.updateTime = updateTime
        self.maintenanceMargin = maintenanceMargin
        self.initialMargin = initialMargin
        self.maxNotional = maxNotional
    }
}

/// `GET /fapi/v4/account` (V3: `/fapi/v3/accountWithJoinMargin`): totals, balances and positions.
public struct AccountInformation: Sendable, Hashable {
    /// Last update time (`updateTime`).
    public var updateTime: Int64
    /// Total wallet balance (`totalWalletBalance`).
    public var totalWalletBalance: ExactDecimal
    /// Total unrealised profit (`totalUnrealizedProfit`).
    public var totalUnrealizedProfit: ExactDecimal
    /// Total margin balance (`totalMarginBalance`).
    public var totalMarginBalance: ExactDecimal
    /// Available balance (`availableBalance`).
    public var availableBalance: ExactDecimal
    /// Total maintenance margin required (`totalMaintMargin`).
    public var totalMaintenanceMargin: ExactDecimal = .zero
    /// Total initial margin required (`totalInitialMargin`).
    public var totalInitialMargin: ExactDecimal = .zero
    /// Crossed wallet balance (`totalCrossWalletBalance`).
    public var totalCrossWalletBalance: ExactDecimal = .zero
    /// Unrealised profit of crossed positions (`totalCrossUnPnl`).
    public var totalCrossUnrealizedProfit: ExactDecimal = .zero
    /// Maximum amount for transfer out (`maxWithdrawAmount`).
    public var maxWithdrawAmount: ExactDecimal = .zero
    /// Commission tier (`feeTier`).
    public var feeTier: Int = 0
    /// Whether the account can trade (`canTrade`).
    public var canTrade: Bool = true
    /// Balances per asset.
    public var assets: [AssetBalance]
    /// Positions of every symbol.
    public var positions: [PositionInfo]

    /// Creates an account snapshot.
    public init(updateTime: Int64, totalWalletBalance: ExactDecimal, totalUnrealizedProfit: ExactDecimal,
                totalMarginBalance: ExactDecimal, availableBalance: ExactDecimal, assets: [AssetBalance], positions: [PositionInfo]) {
        self.updateTime = updateTime
        self.totalWalletBalance = totalWalletBalance
        self.totalUnrealizedProfit = totalUnrealizedProfit
        self.totalMarginBalance = totalMarginBalance
        self.availableBalance = availableBalance
        self.totalCrossWalletBalance = totalWalletBalance
        self.maxWithdrawAmount = availableBalance
        self.assets = assets
        self.positions = positions
    }
}

extension AccountInformation {
    init(_ f: JSONFields) throws(RESTError) {
        // A balance or position that fails to decode is left out and recorded, the rest delivered.
        let assets = try f.each("assets") { g throws(RESTError) in
            AssetBalance(
                asset: try g.string("asset"), walletBalance: try g.decimal("walletBalance"),
                unrealizedProfit: try g.decimal("unrealizedProfit"), marginBalance: try g.decimal("marginBalance"),
                availableBalance: try g.decimal("availableBalance"), crossWalletBalance: try g.decimal("crossWalletBalance"),
                maintenanceMargin: try g.decimal("maintMargin"), initialMargin: try g.decimal("initialMargin"),
                crossUnrealizedProfit: try g.decimal("crossUnPnl"), maxWithdrawAmount: try g.decimal("maxWithdrawAmount"),
                marginAvailable: try g.bool("marginAvailable"), updateTime: try g.int("updateTime"))
        }
        let positions = try f.each("positions") { g throws(RESTError) in
            PositionInfo(
                symbol: try g.string("symbol"), positionAmount: try g.decimal("positionAmt"),
                entryPrice: try g.decimal("entryPrice"), unrealizedProfit: try g.decimal("unrealizedProfit"),
                leverage: Int(try g.int("leverage")), isolated: try g.bool("isolated"),
                positionSide: try g.wire("positionSide"), updateTime: try g.int("updateTime"),
                maintenanceMargin: try g.decimal("maintMargin"), initialMargin: try g.decimal("initialMargin"),
                maxNotional: try g.decimal("maxNotional"))
        }
        self.init(updateTime: try f.int("updateTime"), totalWalletBalance: try f.decimal("totalWalletBalance"),
                  totalUnrealizedProfit: try f.decimal("totalUnrealizedProfit"),
                  totalMarginBalance: try f.decimal("totalMarginBalance"),
                  availableBalance: try f.decimal("availableBalance"), assets: assets, positions: positions)
        totalMaintenanceMargin = try f.decimal("totalMaintMargin")
        totalInitialMargin = try f.decimal("totalInitialMargin")
        totalCrossWalletBalance = try f.decimal("totalCrossWalletBalance")
        totalCrossUnrealizedProfit = try f.decimal("totalCrossUnPnl")
        maxWithdrawAmount = try f.decimal("maxWithdrawAmount")
        feeTier = Int(try f.int("feeTier"))
        canTrade = try f.bool("canTrade")
    }
}
