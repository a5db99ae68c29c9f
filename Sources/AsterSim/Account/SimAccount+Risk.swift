import AsterKit

/// Margin calls from the account's real risk: the cross margin ratio (maintenance margin over
/// margin balance) against the warning level.
extension SimAccount {
    /// The cross margin ratio: maintenance margin of every position over wallet plus unrealised
    /// PnL (`nil` with no position; a margin balance at or below zero is a ratio of at least 1).
    public var marginRatio: ExactDecimal? {
        let maintenance = totalMaintenanceMargin
        guard positions.values.contains(where: { !$0.amount.isZero }) else { return nil }
        let balance = wallet + totalUnrealized(positions.keys.map { Self.symbol(of: $0) })
        guard balance > .zero else { return 1 }
        return maintenance.divided(by: balance, scale: 8)
    }

    /// A `MARGIN_CALL` when the margin ratio has just reached `level` (once per crossing: it
    /// re-arms when the ratio falls back below). The event lists the position with the largest
    /// maintenance margin.
    mutating func marginCallIfDue(level: ExactDecimal, now: Int64) -> String? {
        guard let ratio = marginRatio, ratio >= level else {
            marginCallArmed = true
            return nil
        }
        guard marginCallArmed else { return nil }
        marginCallArmed = false
        let open = positions.filter { !$0.value.amount.isZero }.keys.sorted()
        guard let key = open.max(by: { maintenanceMargin($0) < maintenanceMargin($1) }), let p = positions[key] else { return nil }
        let symbol = Self.symbol(of: key)
        return SimUserPayload.marginCall(wallet: wallet, symbol: symbol, side: Self.side(of: key), position: p,
                                         mark: lastMarks[symbol] ?? p.entryPrice, unrealized: unrealized(key),
                                         maintenance: maintenanceMargin(key), now: now)
    }
}
