extension AccountState {
    /// The asset USDT-margined positions settle in: its unrealised PnL, margin balance, available
    /// balance and margins follow the mark prices between snapshots.
    public static let marginAsset = "USDT"

    /// Unrealised PnL of the open cross (not isolated) positions.
    public var crossUnrealizedPnL: ExactDecimal {
        positions.values.filter { !$0.isolated && !$0.amount.isZero }.reduce(.zero) { $0 + $1.unrealizedPnL }
    }

    /// Initial margin of the open cross positions: Σ |amount| × mark price (entry until marked) ÷
    /// leverage; `nil` while a position's leverage is unknown.
    public var positionInitialMargin: ExactDecimal? {
        var total = ExactDecimal.zero
        for p in positions.values where !p.isolated && !p.amount.isZero {
            guard p.leverage > 0, let margin = p.notional.divided(by: ExactDecimal(p.leverage), scale: 8) else { return nil }
            total += margin
        }
        return total
    }

    /// Initial margin of the open orders: Σ price × unfilled quantity ÷ the symbol's leverage
    /// (an order without a price, such as a market or stop-market order, counts zero); `nil` while
    /// the leverage of a symbol with a priced order is unknown.
    public var openOrderInitialMargin: ExactDecimal? {
        var total = ExactDecimal.zero
        for o in openOrders.values where o.price > .zero && o.quantity > o.filled {
            guard let leverage = leverage(o.symbol), leverage > 0,
                  let margin = (o.price * (o.quantity - o.filled)).divided(by: ExactDecimal(leverage), scale: 8) else { return nil }
            total += margin
        }
        return total
    }

    /// Available balance of `asset`, live: cross wallet balance + cross unrealised PnL − initial
    /// margin of positions and open orders (what a new order can use). `nil` for an asset other
    /// than ``marginAsset``, while a leverage is unknown or while an open position has no mark
    /// price yet: then only the snapshot's figure (``balances``, as of ``snapshotTime``) is known.
    public func availableBalance(_ asset: String = marginAsset) -> ExactDecimal? {
        guard asset == Self.marginAsset, let b = balances[asset], let positionsMargin = positionInitialMargin,
              let ordersMargin = openOrderInitialMargin,
              !positions.values.contains(where: { !$0.amount.isZero && $0.markPrice == nil }) else { return nil }
        return b.crossWalletBalance + crossUnrealizedPnL - positionsMargin - ordersMargin
    }

    /// Whether `asset`'s unrealised PnL, margin balance and available balance are kept live
    /// (`false`: they are the snapshot's, as of ``snapshotTime``).
    public func isLive(_ asset: String) -> Bool { availableBalance(asset) != nil }

    /// The margin asset's balance with every figure the stream allows kept live: wallet and cross
    /// wallet from `ACCOUNT_UPDATE`, unrealised PnL, margin balance, available balance and margins
    /// from the positions at their mark prices. Called after each update and mark.
    mutating func refreshMarginAsset() {
        guard var b = balances[Self.marginAsset], let available = availableBalance() else { return }
        b.unrealizedProfit = totalUnrealizedPnL
        b.crossUnrealizedProfit = crossUnrealizedPnL
        b.marginBalance = b.walletBalance + b.unrealizedProfit
        b.availableBalance = available
        b.maintenanceMargin = maintenanceMargin
        b.initialMargin = (positionInitialMargin ?? .zero) + (openOrderInitialMargin ?? .zero)
        setBalance(b)
    }
}
