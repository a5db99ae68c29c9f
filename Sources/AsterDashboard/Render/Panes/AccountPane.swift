import AsterKit

/// Balances, positions with PnL, open orders, recent fills and margin-call alerts.
enum AccountPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard let view = s.account else {
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
        guard let account = view.state else {
            line(view.status, CellStyle(.dim))
            return
        }
        if let call = account.lastMarginCall, let at = view.marginCallAt, s.now - at < 30_000 {
            line(" MARGIN CALL " + call.positions.map(\.symbol).joined(separator: ", ") + " ", CellStyle(.red, bold: true, reverse: true))
        }
        if view.status != "live" { line(view.status, CellStyle(.yellow)) }
        let wide = rect.width >= 34
        func short(_ symbol: String) -> String { symbol.hasSuffix("USDT") ? String(symbol.dropLast(4)) : symbol }
        func money(_ v: ExactDecimal) -> String { v.rounded(scale: 2).formatted(fractionDigits: 2) }
        let pnl = account.totalUnrealizedPnL
        for b in account.balances.values.sorted(by: { $0.asset < $1.asset }) where !b.walletBalance.isZero {
            line("\(b.asset) \(money(b.walletBalance)) uPnL \(money(pnl))", CellStyle(pnl.isNegative ? .red : .green))
        }
        if let ratio = account.marginRatio {
            let percent = (ratio * 100).rounded(scale: 2)
            line("margin ratio \(percent.formatted(fractionDigits: 2))%", CellStyle(ratio > ExactDecimal(mantissa: 8, scale: 1) ? .red : .dim))
        }
        for p in account.openPositions {
            let detail = wide ? " @ \(p.entryPrice)\(p.markPrice.map { " mk \($0)" } ?? "") \(p.leverage)x" : ""
            line("\(short(p.symbol)) \(p.amount) \(money(p.unrealizedPnL))\(detail)", CellStyle(p.unrealizedPnL.isNegative ? .red : .green))
        }
        if account.openPositions.isEmpty { line("no open positions", CellStyle(.dim)) }
        for o in account.openOrders.values.sorted(by: { $0.orderId < $1.orderId }) {
            let filled = o.filled.isZero ? "" : " \(o.filled) done"
            line("\(o.side == .buy ? "B" : "S") \(o.quantity) \(short(o.symbol)) \(o.price)\(filled)", CellStyle(.yellow))
        }
        for f in account.recentFills.prefix(5) {
            line("fill \(f.side == .buy ? "B" : "S") \(f.quantity) \(short(f.symbol)) \(f.price)", CellStyle(.dim))
        }
    }
}
