/// A position as the account state keeps it, marked to the latest mark price.
public struct PositionState: Sendable, Hashable {
    public var symbol: String
    public var amount: ExactDecimal
    public var entryPrice: ExactDecimal
    public var leverage: Int
    /// Latest mark price, when one is known.
    public var markPrice: ExactDecimal?
    /// Unrealised PnL: from the mark price when known, else as the server last reported it.
    public var unrealizedPnL: ExactDecimal
    /// Event time of the last change applied.
    public var updatedAt: Int64
}

/// An open order as the account state keeps it.
public struct OrderState: Sendable, Hashable {
    public var orderId: Int64
    public var symbol: String
    public var side: Side
    public var type: OrderType
    public var status: OrderStatus
    public var price: ExactDecimal
    public var quantity: ExactDecimal
    public var filled: ExactDecimal
    public var updatedAt: Int64
}

/// One fill.
public struct FillRecord: Sendable, Hashable {
    public var orderId: Int64
    public var tradeId: Int64
    public var symbol: String
    public var side: Side
    public var price: ExactDecimal
    public var quantity: ExactDecimal
    public var commission: ExactDecimal?
    public var realizedProfit: ExactDecimal?
    public var time: Int64
}

/// The reconciled account: a REST snapshot, then user-stream deltas.
///
/// The spec warns that user-data payloads may arrive out of order; each balance, position and
/// order remembers the event time of its last change, and an older event never overwrites a
/// newer one (nor one the snapshot already includes). A finished order stays finished even if
/// a late `NEW` for it arrives. Unrealised PnL follows the mark prices fed to ``mark(_:price:)``.
public struct AccountState: Sendable, Hashable {
    public private(set) var balances: [String: AssetBalance] = [:]
    public private(set) var positions: [String: PositionState] = [:]
    public private(set) var openOrders: [Int64: OrderState] = [:]
    /// Most recent first, at most ``fillLimit``.
    public private(set) var recentFills: [FillRecord] = []
    /// The last margin call, if any.
    public private(set) var lastMarginCall: MarginCall?
    /// Multi-assets mode, when a config update told.
    public private(set) var multiAssetsMode: Bool?
    /// Time of the snapshot the state started from.
    public private(set) var snapshotTime: Int64
    /// Latest event time applied.
    public private(set) var lastEventTime: Int64
    /// Events ignored because something newer was already applied.
    public private(set) var staleEventsIgnored = 0
    private var balanceTimes: [String: Int64] = [:]
    /// Maintenance margin per unit of notional, per symbol, from the snapshot.
    private var maintenanceRates: [String: ExactDecimal] = [:]
    /// The rate assumed when the snapshot gave none (0.4 %, the smallest bracket's).
    public static let defaultMaintenanceRate = ExactDecimal(mantissa: 4, scale: 3)
    private var finishedOrders: [Int64: Int64] = [:]
    public static let fillLimit = 50

    /// Starts from `GET /fapi/v4/account` and `GET /fapi/v1/openOrders` taken at `time`.
    public init(account: AccountInformation, openOrders orders: [OpenOrder], at time: Int64) {
        snapshotTime = time
        lastEventTime = time
        for a in account.assets {
            balances[a.asset] = a
            balanceTimes[a.asset] = time
        }
        for p in account.positions where !p.positionAmount.isZero && !p.maintenanceMargin.isZero && !p.entryPrice.isZero {
            maintenanceRates[p.symbol] = p.maintenanceMargin.divided(by: (p.positionAmount * p.entryPrice).magnitude, scale: 8)
        }
        for p in account.positions where !p.positionAmount.isZero || p.leverage > 0 {
            positions[p.symbol] = PositionState(symbol: p.symbol, amount: p.positionAmount, entryPrice: p.entryPrice,
                                                leverage: p.leverage, markPrice: nil, unrealizedPnL: p.unrealizedProfit, updatedAt: time)
        }
        for o in orders {
            openOrders[o.orderId] = OrderState(orderId: o.orderId, symbol: o.symbol, side: o.side, type: o.type, status: o.status,
                                               price: o.price, quantity: o.originalQuantity, filled: o.executedQuantity, updatedAt: time)
        }
    }

    /// Positions with a non-zero amount, by symbol.
    public var openPositions: [PositionState] { positions.values.filter { !$0.amount.isZero }.sorted { $0.symbol < $1.symbol } }

    /// Sum of unrealised PnL.
    public var totalUnrealizedPnL: ExactDecimal { positions.values.reduce(.zero) { $0 + $1.unrealizedPnL } }

    /// Wallet balance of `asset` plus unrealised PnL (for USDT, the margin balance).
    public func marginBalance(_ asset: String = "USDT") -> ExactDecimal {
        (balances[asset]?.walletBalance ?? .zero) + totalUnrealizedPnL
    }

    /// Maintenance margin of every open position at its mark price (entry price until marked).
    public var maintenanceMargin: ExactDecimal {
        openPositions.reduce(.zero) { total, p in
            let rate = maintenanceRates[p.symbol] ?? Self.defaultMaintenanceRate
            return total + (p.amount.magnitude * (p.markPrice ?? p.entryPrice) * rate).rounded(scale: 8)
        }
    }

    /// Maintenance margin over margin balance (USDT): liquidation comes at 1 (100 %);
    /// `nil` with no margin balance.
    public var marginRatio: ExactDecimal? {
        let balance = marginBalance()
        guard balance > .zero else { return nil }
        return maintenanceMargin.divided(by: balance, scale: 6)
    }

    /// Applies a user-data event; returns `false` when it was stale (older than what is known)
    /// or not an account event.
    @discardableResult
    public mutating func apply(_ event: AsterEvent) -> Bool {
        switch event {
        case .accountUpdate(let u): return apply(u)
        case .orderTradeUpdate(let o): return apply(o)
        case .marginCall(let m):
            guard m.eventTime >= (lastMarginCall?.eventTime ?? 0) else { return stale() }
            lastMarginCall = m
            touch(m.eventTime)
            return true
        case .accountConfigUpdate(let c):
            if let l = c.leverage {
                var p = positions[l.symbol] ?? PositionState(symbol: l.symbol, amount: .zero, entryPrice: .zero, leverage: 0,
                                                              markPrice: nil, unrealizedPnL: .zero, updatedAt: 0)
                p.leverage = Int(l.leverage)
                positions[l.symbol] = p
            }
            if let info = c.accountInfo { multiAssetsMode = info.multiAssetsMode }
            touch(c.eventTime)
            return true
        default:
            return false
        }
    }

    private mutating func apply(_ u: AccountUpdate) -> Bool {
        var applied = false
        for b in u.balances where u.eventTime >= (balanceTimes[b.asset] ?? 0) {
            var asset = balances[b.asset] ?? AssetBalance(asset: b.asset, walletBalance: b.walletBalance)
            asset.walletBalance = b.walletBalance
            asset.crossWalletBalance = b.crossWalletBalance
            balances[b.asset] = asset
            balanceTimes[b.asset] = u.eventTime
            applied = true
        }
        for p in u.positions where u.eventTime >= (positions[p.symbol]?.updatedAt ?? 0) {
            var state = positions[p.symbol] ?? PositionState(symbol: p.symbol, amount: .zero, entryPrice: .zero, leverage: 0,
                                                              markPrice: nil, unrealizedPnL: .zero, updatedAt: 0)
            state.amount = p.positionAmount
            state.entryPrice = p.entryPrice
            state.unrealizedPnL = state.markPrice.map { ($0 - p.entryPrice) * p.positionAmount } ?? p.unrealizedPnL
            state.updatedAt = u.eventTime
            positions[p.symbol] = state
            applied = true
        }
        guard applied || (u.balances.isEmpty && u.positions.isEmpty) else { return stale() }
        touch(u.eventTime)
        return true
    }

    private mutating func apply(_ o: OrderTradeUpdate) -> Bool {
        let known = openOrders[o.orderId]?.updatedAt ?? finishedOrders[o.orderId] ?? 0
        if o.executionType == .trade, o.lastFilledQuantity > .zero, !recentFills.contains(where: { $0.tradeId == o.tradeId && $0.orderId == o.orderId }) {
            // A fill is a fact whatever order it arrives in.
            recentFills.append(FillRecord(orderId: o.orderId, tradeId: o.tradeId, symbol: o.symbol, side: o.side,
                                          price: o.lastFilledPrice, quantity: o.lastFilledQuantity, commission: o.commission,
                                          realizedProfit: o.realizedProfit, time: o.tradeTime))
            recentFills.sort { ($0.time, $0.tradeId) > ($1.time, $1.tradeId) }
            if recentFills.count > Self.fillLimit { recentFills.removeLast(recentFills.count - Self.fillLimit) }
        }
        guard o.eventTime >= known, finishedOrders[o.orderId] == nil else { return stale() }
        switch o.status {
        case .new, .partiallyFilled:
            openOrders[o.orderId] = OrderState(orderId: o.orderId, symbol: o.symbol, side: o.side, type: o.orderType, status: o.status,
                                               price: o.originalPrice, quantity: o.originalQuantity, filled: o.filledQuantity,
                                               updatedAt: o.eventTime)
        default:
            openOrders[o.orderId] = nil
            finishedOrders[o.orderId] = o.eventTime
            if finishedOrders.count > 10_000, let oldest = finishedOrders.min(by: { $0.value < $1.value })?.key {
                finishedOrders[oldest] = nil
            }
        }
        touch(o.eventTime)
        return true
    }

    /// Marks `symbol` to `price`: its unrealised PnL becomes (mark − entry) × amount.
    public mutating func mark(_ symbol: String, price: ExactDecimal) {
        guard var p = positions[symbol] else { return }
        p.markPrice = price
        p.unrealizedPnL = (price - p.entryPrice) * p.amount
        positions[symbol] = p
    }

    private mutating func touch(_ time: Int64) { lastEventTime = max(lastEventTime, time) }

    private mutating func stale() -> Bool {
        staleEventsIgnored += 1
        return false
    }
}
