import AsterKit

/// Maintenance margin and liquidation prices from the leverage brackets the simulator serves
/// (`leverageBracket`), so the account, `positionRisk` and margin calls agree with them.
extension SimAccount {
    /// Every symbol's brackets: 0.4 % up to 50k of notional, then 0.5 %, 1 %, 2.5 % and 5 %.
    public static func brackets(_ symbol: String) -> SymbolBrackets {
        let rows: [(Int, Int, Int64, ExactDecimal, Int64)] = [
            (1, 125, 50_000, ExactDecimal(mantissa: 4, scale: 3), 0),
            (2, 100, 250_000, ExactDecimal(mantissa: 5, scale: 3), 50),
            (3, 50, 1_000_000, ExactDecimal(mantissa: 1, scale: 2), 1_300),
            (4, 20, 10_000_000, ExactDecimal(mantissa: 25, scale: 3), 16_300),
            (5, 10, 20_000_000, ExactDecimal(mantissa: 5, scale: 2), 266_300),
        ]
        var floor: Int64 = 0
        var list: [LeverageBracket] = []
        for (n, leverage, cap, ratio, cum) in rows {
            list.append(LeverageBracket(bracket: n, initialLeverage: leverage, notionalFloor: ExactDecimal(Int(floor)),
                                        notionalCap: ExactDecimal(Int(cap)), maintenanceMarginRatio: ratio,
                                        cumulative: ExactDecimal(Int(cum))))
            floor = cap
        }
        return SymbolBrackets(symbol: symbol, brackets: list)
    }

    /// The largest position notional `symbol`'s brackets allow at `leverage`: the cap of the
    /// highest bracket whose initial leverage is at least `leverage` (zero when none allows it).
    public static func maxNotional(_ symbol: String, leverage: Int) -> ExactDecimal {
        brackets(symbol).brackets.last { $0.initialLeverage >= leverage }?.notionalCap ?? .zero
    }

    /// The largest position notional of `symbol` at the account's leverage.
    public func maxNotional(_ symbol: String) -> ExactDecimal { Self.maxNotional(symbol, leverage: leverage(symbol)) }

    /// Notional of the position at `key` at the last mark (entry until marked).
    func notional(_ key: String) -> ExactDecimal {
        guard let p = positions[key] else { return .zero }
        return p.amount.magnitude * (lastMarks[Self.symbol(of: key)] ?? p.entryPrice)
    }

    /// Maintenance margin of the position at `key`: notional × ratio − cum of its bracket.
    public func maintenanceMargin(_ key: String) -> ExactDecimal {
        guard let p = positions[key], !p.amount.isZero else { return .zero }
        return (Self.brackets(Self.symbol(of: key)).maintenanceMargin(notional: notional(key)) ?? .zero).rounded(scale: 8)
    }

    /// Maintenance margin of every open position.
    public var totalMaintenanceMargin: ExactDecimal {
        positions.keys.reduce(.zero) { $0 + maintenanceMargin($1) }
    }

    /// The liquidation price of the position at `key`, or `nil` when its margin covers any move:
    /// the mark price at which its margin balance equals its maintenance margin. An isolated
    /// position stands on its own wallet; cross positions of a symbol (both sides in hedge mode)
    /// share the cross wallet with the other cross positions, held at their current PnL and maintenance.
    public func liquidationPrice(key: String) -> ExactDecimal? {
        let symbol = Self.symbol(of: key)
        let table = Self.brackets(symbol)
        func leg(_ k: String) -> LiquidationPrice.Leg? {
            guard let p = positions[k], !p.amount.isZero, let b = table.bracket(forNotional: notional(k)) else { return nil }
            return LiquidationPrice.Leg(amount: p.amount, entryPrice: p.entryPrice, bracket: b)
        }
        if isIsolated(key) {
            return leg(key).flatMap { LiquidationPrice.compute(legs: [$0], walletBalance: isolatedWallet(key)) }
        }
        let mine = openKeys(isolated: false).filter { Self.symbol(of: $0) == symbol }
        let others = openKeys(isolated: false).filter { Self.symbol(of: $0) != symbol }
        return LiquidationPrice.compute(
            legs: mine.compactMap(leg), walletBalance: crossWallet,
            otherMaintenance: others.reduce(.zero) { $0 + maintenanceMargin($1) },
            otherUnrealized: others.reduce(.zero) { $0 + unrealized($1) })
    }
}
