/// What an order would do to the account if it filled: the resulting position and its
/// estimated liquidation price, for an order ticket's confirmation.
public struct FillEstimate: Sendable, Hashable {
    /// The position's signed amount after the fill.
    public var amount: ExactDecimal
    /// Its average entry price after the fill.
    public var entryPrice: ExactDecimal
    /// Initial margin the fill needs at the symbol's leverage (notional / leverage); `nil` when
    /// the leverage is unknown.
    public var requiredMargin: ExactDecimal?
    /// Estimated liquidation price of the symbol's cross legs after the fill (see
    /// ``LiquidationPrice``); `nil` without brackets, for an isolated position, or when none.
    public var liquidationPrice: ExactDecimal?
}

extension AccountState {
    /// The position of `symbol` (`side`: `BOTH` in one-way mode) if `quantity` filled at `price` on
    /// `orderSide`, with the leverage brackets and the cross wallet as they are now.
    public func estimateFill(symbol: String, side: PositionSide = .both, orderSide: Side, quantity: ExactDecimal,
                             price: ExactDecimal) -> FillEstimate {
        let key = PositionKey(symbol, side)
        let current = positions[key]
        let amount = current?.amount ?? .zero
        let entry = current?.entryPrice ?? price
        let delta = orderSide == .buy ? quantity : -quantity
        let after = amount + delta
        let newEntry: ExactDecimal
        if amount.isZero || after.isZero {
            newEntry = after.isZero ? .zero : price
        } else if amount.isNegative == delta.isNegative {
            // Adding to the position: the entry is the quantity-weighted average.
            newEntry = (amount.magnitude * entry + quantity * price).divided(by: after.magnitude, scale: 8) ?? price
        } else if after.isNegative == amount.isNegative {
            newEntry = entry  // reducing keeps the entry
        } else {
            newEntry = price  // flipped: the rest opens at the fill price
        }
        let leverage = self.leverage(symbol) ?? current?.leverage
        let margin = leverage.flatMap { $0 > 0 ? (quantity * price).divided(by: ExactDecimal($0), scale: 8) : nil }
        var estimate = FillEstimate(amount: after, entryPrice: newEntry, requiredMargin: margin, liquidationPrice: nil)
        guard current?.isolated != true, let table = brackets[symbol] else { return estimate }
        var legs: [LiquidationPrice.Leg] = []
        for p in openPositions where p.symbol == symbol && p.side != side && !p.isolated {
            guard let b = table.bracket(forNotional: p.notional) else { return estimate }
            legs.append(LiquidationPrice.Leg(amount: p.amount, entryPrice: p.entryPrice, bracket: b))
        }
        if !after.isZero {
            guard let b = table.bracket(forNotional: after.magnitude * price) else { return estimate }
            legs.append(LiquidationPrice.Leg(amount: after, entryPrice: newEntry, bracket: b))
        }
        let others = openPositions.filter { $0.symbol != symbol && !$0.isolated }
        estimate.liquidationPrice = LiquidationPrice.compute(
            legs: legs, walletBalance: balances["USDT"]?.crossWalletBalance ?? .zero,
            otherMaintenance: others.reduce(.zero) { $0 + ($1.maintenanceMargin ?? .zero) },
            otherUnrealized: others.reduce(.zero) { $0 + $1.unrealizedPnL })
        return estimate
    }
}
