/// What identifies a position: its symbol and side (`BOTH` in one-way mode; `LONG` and `SHORT`
/// are two positions of one symbol in hedge mode).
public struct PositionKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var symbol: String
    public var side: PositionSide

    public init(_ symbol: String, _ side: PositionSide = .both) {
        self.symbol = symbol
        self.side = side
    }

    public static func < (a: PositionKey, b: PositionKey) -> Bool {
        (a.symbol, a.side.wireValue) < (b.symbol, b.side.wireValue)
    }

    public var description: String { side == .both ? symbol : "\(symbol) \(side.wireValue)" }
}

/// A position as the account state keeps it, marked to the latest mark price.
public struct PositionState: Sendable, Hashable {
    public var symbol: String
    /// `BOTH` (one-way mode), `LONG` or `SHORT` (hedge mode).
    public var side: PositionSide
    /// Signed amount: negative for a short (a `SHORT` position's amount is negative too).
    public var amount: ExactDecimal
    public var entryPrice: ExactDecimal
    public var leverage: Int
    /// Isolated margin mode, when known.
    public var isolated: Bool
    /// An isolated position's wallet (`iw` of `ACCOUNT_UPDATE`), when known.
    public var isolatedWallet: ExactDecimal?
    /// Latest mark price, when one is known.
    public var markPrice: ExactDecimal?
    /// Unrealised PnL: from the mark price when known, else as the server last reported it.
    public var unrealizedPnL: ExactDecimal
    /// Event time of the last change applied.
    public var updatedAt: Int64
    /// Maintenance margin from the symbol's leverage brackets at the mark price (entry until
    /// marked); filled in by ``AccountState/openPositions``.
    public var maintenanceMargin: ExactDecimal?
    /// Liquidation price from the brackets (see ``LiquidationPrice``); `nil` when there is none or
    /// the brackets are unknown; filled in by ``AccountState/openPositions``.
    public var liquidationPrice: ExactDecimal?

    public init(symbol: String, side: PositionSide = .both, amount: ExactDecimal, entryPrice: ExactDecimal, leverage: Int,
                isolated: Bool = false, isolatedWallet: ExactDecimal? = nil, markPrice: ExactDecimal? = nil,
                unrealizedPnL: ExactDecimal = .zero, updatedAt: Int64 = 0) {
        self.symbol = symbol
        self.side = side
        self.amount = amount
        self.entryPrice = entryPrice
        self.leverage = leverage
        self.isolated = isolated
        self.isolatedWallet = isolatedWallet
        self.markPrice = markPrice
        self.unrealizedPnL = unrealizedPnL
        self.updatedAt = updatedAt
    }

    /// Its key.
    public var key: PositionKey { PositionKey(symbol, side) }

    /// Long (a `LONG` position, or a `BOTH` one with a positive amount).
    public var isLong: Bool { side == .long || (side == .both && !amount.isNegative) }

    /// Absolute notional at the mark price (entry until marked).
    public var notional: ExactDecimal { amount.magnitude * (markPrice ?? entryPrice) }

    /// Return on the initial margin, in percent: PnL / (|size| × entry / leverage) × 100.
    public var returnOnEquityPercent: ExactDecimal? {
        let margin = amount.magnitude * entryPrice
        guard leverage > 0, !margin.isZero else { return nil }
        return (unrealizedPnL * ExactDecimal(leverage) * 100).divided(by: margin, scale: 2)
    }
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
/// a late `NEW` for it arrives, and an order the snapshot does not list is only added by an event
/// newer than the snapshot. Positions are keyed by symbol and side, so the `LONG` and `SHORT`
/// positions of one symbol in hedge mode are kept apart. Unrealised PnL follows the mark prices
/// fed to ``mark(_:price:)``; maintenance margin and liquidation prices follow the leverage
/// brackets given to ``setBrackets(_:)``.
public struct AccountState: Sendable, Hashable {
    public private(set) var balances: [String: AssetBalance] = [:]
    /// Every position known, open or flat, by symbol and side.
    public private(set) var positions: [PositionKey: PositionState] = [:]
    public private(set) var openOrders: [Int64: OrderState] = [:]
    /// Most recent first, at most ``fillLimit``.
    public private(set) var recentFills: [FillRecord] = []
    /// The last margin call, if any.
    public private(set) var lastMarginCall: MarginCall?
    /// Multi-assets mode, when a config update told.
    public private(set) var multiAssetsMode: Bool?
    /// Hedge mode: the snapshot or an update had `LONG`/`SHORT` positions.
    public private(set) var hedgeMode: Bool
    /// Leverage brackets by symbol, when known.
    public private(set) var brackets: [String: SymbolBrackets] = [:]
    /// Time of the snapshot the state started from.
    public private(set) var snapshotTime: Int64
    /// Latest event time applied.
    public private(set) var lastEventTime: Int64
    /// Events ignored because something newer was already applied.
    public private(set) var staleEventsIgnored = 0
    private var balanceTimes: [String: Int64] = [:]
    private var leverages: [String: Int] = [:]
    private var marks: [String: ExactDecimal] = [:]
    /// Maintenance margin per unit of notional, per position, from the snapshot (used while the
    /// brackets are unknown).
    private var maintenanceRates: [PositionKey: ExactDecimal] = [:]
    /// The rate assumed when neither brackets nor the snapshot give one (0.4 %).
    public static let defaultMaintenanceRate = ExactDecimal(mantissa: 4, scale: 3)
    private var finishedOrders: [Int64: Int64] = [:]
    public static let fillLimit = 50

    /// Starts from `GET /fapi/v4/account` and `GET /fapi/v1/openOrders` taken at `time`, and the
    /// leverage brackets when known.
    public init(account: AccountInformation, openOrders orders: [OpenOrder], brackets: [SymbolBrackets] = [], at time: Int64) {
        snapshotTime = time
        lastEventTime = time
        hedgeMode = account.positions.contains { $0.positionSide == .long || $0.positionSide == .short }
        for b in brackets { self.brackets[b.symbol] = b }
        for a in account.assets {
            balances[a.asset] = a
            balanceTimes[a.asset] = time
        }
        for p in account.positions {
            let key = PositionKey(p.symbol, p.positionSide)
            if p.leverage > 0 { leverages[p.symbol] = p.leverage }
            if !p.positionAmount.isZero, !p.maintenanceMargin.isZero, !p.entryPrice.isZero {
                maintenanceRates[key] = p.maintenanceMargin.divided(by: (p.positionAmount * p.entryPrice).magnitude, scale: 8)
            }
            guard !p.positionAmount.isZero else { continue }
            positions[key] = PositionState(symbol: p.symbol, side: p.positionSide, amount: p.positionAmount, entryPrice: p.entryPrice,
                                           leverage: p.leverage, isolated: p.isolated, unrealizedPnL: p.unrealizedProfit,
                                           updatedAt: time)
        }
        for o in orders {
            openOrders[o.orderId] = OrderState(orderId: o.orderId, symbol: o.symbol, side: o.side, type: o.type, status: o.status,
                                               price: o.price, quantity: o.originalQuantity, filled: o.executedQuantity, updatedAt: time)
        }
    }

    /// Sets the leverage brackets (from `leverageBracket`).
    public mutating func setBrackets(_ list: [SymbolBrackets]) {
        for b in list { brackets[b.symbol] = b }
    }

    /// The leverage of `symbol`, when known.
    public func leverage(_ symbol: String) -> Int? { leverages[symbol] }

    /// Open positions (non-zero amount), by symbol then side, with maintenance margin and
    /// liquidation price filled in.
    public var openPositions: [PositionState] {
        let open = positions.values.filter { !$0.amount.isZero }.sorted { $0.key < $1.key }
        var withMargin = open.map { p -> PositionState in
            var p = p
            p.maintenanceMargin = maintenance(of: p)
            return p
        }
        let wallet = balances["USDT"]?.crossWalletBalance ?? .zero
        let bySymbol = Dictionary(grouping: withMargin.indices, by: { withMargin[$0].symbol })
        for (symbol, indices) in bySymbol {
            guard let table = brackets[symbol] else { continue }
            let legs = indices.compactMap { i -> (Int, LiquidationPrice.Leg)? in
                let p = withMargin[i]
                guard let b = table.bracket(forNotional: p.notional) else { return nil }
                return (i, LiquidationPrice.Leg(amount: p.amount, entryPrice: p.entryPrice, bracket: b))
            }
            // Isolated legs stand alone on their own wallet; cross legs of the symbol share the
            // cross wallet with every other cross position.
            for (i, leg) in legs where withMargin[i].isolated {
                guard let iw = withMargin[i].isolatedWallet else { continue }
                withMargin[i].liquidationPrice = LiquidationPrice.compute(legs: [leg], walletBalance: iw)
            }
            let cross = legs.filter { !withMargin[$0.0].isolated }
            guard !cross.isEmpty else { continue }
            let others = withMargin.filter { $0.symbol != symbol && !$0.isolated }
            let price = LiquidationPrice.compute(
                legs: cross.map(\.1), walletBalance: wallet,
                otherMaintenance: others.reduce(.zero) { $0 + ($1.maintenanceMargin ?? .zero) },
                otherUnrealized: others.reduce(.zero) { $0 + $1.unrealizedPnL })
            for (i, _) in cross { withMargin[i].liquidationPrice = price }
        }
        return withMargin
    }

    /// Maintenance margin of a position: from the brackets at its notional when known, else the
    /// snapshot's rate, else ``defaultMaintenanceRate``.
    private func maintenance(of p: PositionState) -> ExactDecimal {
        if let table = brackets[p.symbol], let m = table.maintenanceMargin(notional: p.notional) { return m.rounded(scale: 8) }
        let rate = maintenanceRates[p.key] ?? Self.defaultMaintenanceRate
        return (p.notional * rate).rounded(scale: 8)
    }

    /// Sum of unrealised PnL.
    public var totalUnrealizedPnL: ExactDecimal { positions.values.reduce(.zero) { $0 + $1.unrealizedPnL } }

    /// Wallet balance of `asset` plus unrealised PnL (for USDT, the margin balance).
    public func marginBalance(_ asset: String = "USDT") -> ExactDecimal {
        (balances[asset]?.walletBalance ?? .zero) + totalUnrealizedPnL
    }

    /// Maintenance margin of every open position at its mark price (entry price until marked).
    public var maintenanceMargin: ExactDecimal {
        positions.values.filter { !$0.amount.isZero }.reduce(.zero) { $0 + maintenance(of: $1) }
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
                leverages[l.symbol] = Int(l.leverage)
                for key in positions.keys where key.symbol == l.symbol { positions[key]?.leverage = Int(l.leverage) }
            }
            if let info = c.accountInfo {
                // Each of `ai`'s fields is optional: an absent one changes nothing.
                if let j = info.multiAssetsMode { multiAssetsMode = j }
                if let d = info.dualSidePosition { hedgeMode = d }
            }
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
        for p in u.positions {
            let key = PositionKey(p.symbol, p.positionSide)
            guard u.eventTime >= (positions[key]?.updatedAt ?? snapshotTime) else { continue }
            var state = positions[key] ?? PositionState(symbol: p.symbol, side: p.positionSide, amount: .zero, entryPrice: .zero,
                                                         leverage: leverages[p.symbol] ?? 0, markPrice: marks[p.symbol])
            state.amount = p.positionAmount
            state.entryPrice = p.entryPrice
            state.isolated = p.marginType == .isolated
            state.isolatedWallet = p.isolatedWallet
            state.unrealizedPnL = state.markPrice.map { ($0 - p.entryPrice) * p.positionAmount } ?? p.unrealizedPnL
            state.updatedAt = u.eventTime
            positions[key] = state
            applied = true
            if p.positionSide != .both { hedgeMode = true }
        }
        guard applied || (u.balances.isEmpty && u.positions.isEmpty) else { return stale() }
        touch(u.eventTime)
        refreshMarginAsset()
        return true
    }

    private mutating func apply(_ o: OrderTradeUpdate) -> Bool {
        // An order the snapshot does not list was not open when it was taken: an event older than
        // the snapshot (one that raced it) must not bring it back as a ghost open order.
        let known = openOrders[o.orderId]?.updatedAt ?? finishedOrders[o.orderId] ?? snapshotTime
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
        refreshMarginAsset()
        return true
    }

    /// Marks `symbol` to `price`: the unrealised PnL of each of its positions becomes
    /// (mark − entry) × amount.
    public mutating func mark(_ symbol: String, price: ExactDecimal) {
        marks[symbol] = price
        for key in positions.keys where key.symbol == symbol {
            positions[key]?.markPrice = price
            if let p = positions[key] { positions[key]?.unrealizedPnL = (price - p.entryPrice) * p.amount }
        }
        if positions.keys.contains(where: { $0.symbol == symbol }) { refreshMarginAsset() }
    }

    /// Replaces one asset's balance (``refreshMarginAsset()``).
    mutating func setBalance(_ balance: AssetBalance) { balances[balance.asset] = balance }

    private mutating func touch(_ time: Int64) { lastEventTime = max(lastEventTime, time) }

    private mutating func stale() -> Bool {
        staleEventsIgnored += 1
        return false
    }
}
