import AsterKit

/// Balances, positions with PnL, open orders, recent fills and margin-call alerts.
enum AccountPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard let account = s.account else {
            grid.put("no credentials: set ASTER_API_KEY and ASTER_API_SECRET", x: rect.x, y: rect.y,
                     style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        var y = rect.y
        func line(_ text: String, _ style: CellStyle = .plain) {
            guard y < rect.y + rect.height else { return }
            grid.put(text, x: rect.x, y: y, style: style, maxWidth: rect.width)
            y += 1
        }
        if let call = account.marginCall {
            line("MARGIN CALL: " + call.positions.map(\.symbol).joined(separator: ", "), CellStyle(.red, bold: true, reverse: true))
        }
        if account.balances.isEmpty && account.positions.isEmpty {
            line("waiting for the user data stream…", CellStyle(.dim))
        }
        for b in account.balances { line("\(b.asset) \(b.walletBalance)") }
        for p in account.positions where !p.positionAmount.isZero {
            line("\(p.symbol) \(p.positionAmount) @ \(p.entryPrice) PnL \(p.unrealizedPnL)",
                 CellStyle(p.unrealizedPnL.isNegative ? .red : .green))
        }
        for o in account.openOrders { line("open \(o.side) \(o.originalQuantity) \(o.symbol) @ \(o.originalPrice)", CellStyle(.yellow)) }
        for f in account.fills.prefix(5) { line("fill \(f.side) \(f.lastFilledQuantity) \(f.symbol) @ \(f.lastFilledPrice)", CellStyle(.dim)) }
    }
}
