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

    /// The liquidation price of `symbol`'s positions (every side shares the cross wallet), or
    /// `nil` when the wallet covers any move. Isolated symbols stand on their initial margin.
    public func liquidationPrice(_ symbol: String) -> ExactDecimal? {
        let table = Self.brackets(symbol)
        let keys = positions.keys.filter { Self.symbol(of: $0) == symbol && !(positions[$0]?.amount.isZero ?? true) }
        let legs = keys.sorted().compactMap { key -> LiquidationPrice.Leg? in
            guard let p = positions[key], let b = table.bracket(forNotional: notional(key)) else { return nil }
            return LiquidationPrice.Leg(amount: p.amount, entryPrice: p.entryPrice, bracket: b)
        }
        guard !legs.isEmpty else { return nil }
        if isolatedSymbols.contains(symbol) {
            let margin = keys.reduce(ExactDecimal.zero) { sum, key in
                let p = positions[key]!
                return sum + ((p.amount.magnitude * p.entryPrice).divided(by: ExactDecimal(leverage(symbol)), scale: 8) ?? .zero)
            }
            return LiquidationPrice.compute(legs: legs, walletBalance: margin)
        }
        let others = positions.keys.filter { Self.symbol(of: $0) != symbol && !isolatedSymbols.contains(Self.symbol(of: $0)) }
        return LiquidationPrice.compute(
            legs: legs, walletBalance: wallet,
            otherMaintenance: others.reduce(.zero) { $0 + maintenanceMargin($1) },
            otherUnrealized: others.reduce(.zero) { $0 + unrealized($1) })
    }
}
