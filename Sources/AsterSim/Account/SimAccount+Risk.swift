import AsterKit

/// Margin ratios from the brackets' maintenance margin, and margin calls from them: the cross
/// ratio is the cross positions' maintenance over the cross margin balance (cross wallet plus
/// cross unrealised PnL); an isolated position's is its maintenance over its own margin
/// (isolated wallet plus unrealised PnL).
extension SimAccount {
    /// Cross margin balance: cross wallet plus the cross positions' unrealised PnL.
    public var crossMarginBalance: ExactDecimal { (crossWallet + crossUnrealized).rounded(scale: 8) }

    /// Maintenance margin of the cross positions.
    public var crossMaintenanceMargin: ExactDecimal {
        openKeys(isolated: false).reduce(ExactDecimal.zero) { $0 + maintenanceMargin($1) }
    }

    /// The cross margin ratio (`nil` with no cross position; a margin balance at or below zero is
    /// a ratio of 1).
    public var crossMarginRatio: ExactDecimal? {
        guard !openKeys(isolated: false).isEmpty else { return nil }
        return Self.ratio(crossMaintenanceMargin, over: crossMarginBalance)
    }

    /// The margin ratio of the isolated position at `key` (`nil` when it is not an open isolated position).
    public func isolatedMarginRatio(_ key: String) -> ExactDecimal? {
        guard isIsolated(key), !(positions[key]?.amount.isZero ?? true) else { return nil }
        return Self.ratio(maintenanceMargin(key), over: isolatedWallet(key) + unrealized(key))
    }

    private static func ratio(_ maintenance: ExactDecimal, over balance: ExactDecimal) -> ExactDecimal {
        guard balance > .zero else { return 1 }
        return maintenance.divided(by: balance, scale: 8) ?? 1
    }

    /// The account's highest margin ratio: the cross one or an isolated position's (`nil` with no position).
    public var marginRatio: ExactDecimal? {
        ([crossMarginRatio] + openKeys(isolated: true).map(isolatedMarginRatio)).compactMap { $0 }.max()
    }

    /// A `MARGIN_CALL` when the margin ratio has just reached `level` (once per crossing: it
    /// re-arms when the ratio falls back below). The event lists the positions at risk: every
    /// cross position when the cross ratio reached it, and each isolated position whose own did.
    mutating func marginCallIfDue(level: ExactDecimal, now: Int64) -> String? {
        guard let ratio = marginRatio, ratio >= level else {
            marginCallArmed = true
            return nil
        }
        guard marginCallArmed else { return nil }
        marginCallArmed = false
        var keys = (crossMarginRatio ?? .zero) >= level ? openKeys(isolated: false) : []
        keys += openKeys(isolated: true).filter { (isolatedMarginRatio($0) ?? .zero) >= level }
        let rows = keys.compactMap { key -> SimUserPayload.MarginCallRow? in
            guard let p = positions[key] else { return nil }
            let symbol = Self.symbol(of: key)
            return SimUserPayload.MarginCallRow(symbol: symbol, side: Self.side(of: key), position: p,
                                                isolated: isIsolated(key), isolatedWallet: isolatedWallet(key),
                                                mark: lastMarks[symbol] ?? p.entryPrice, unrealized: unrealized(key),
                                                maintenance: maintenanceMargin(key))
        }
        guard !rows.isEmpty else { return nil }
        return SimUserPayload.marginCall(crossWallet: crossWallet, rows: rows, now: now)
    }
}
