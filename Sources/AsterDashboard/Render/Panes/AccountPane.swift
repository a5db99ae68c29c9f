import AsterKit
import Foundation

/// The account as labelled tables: balances and margin ratio, positions (symbol, side, size,
/// entry, mark, liquidation price, unrealised PnL, ROE %, leverage; hedge mode's long and short
/// of one symbol on two rows), open orders, recent fills; a margin-call
/// banner with the call's details while it is recent. Narrow panes drop columns by priority
/// and keep the labels; a number is never cut.
enum AccountPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard let view = s.account else {
            grid.put("no credentials: set ASTER_API_KEY and ASTER_API_SECRET", x: rect.x, y: rect.y,
                     style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        var y = rect.y
        let bottom = rect.y + rect.height
        func line(_ parts: [String], _ style: CellStyle) {
            guard y < bottom else { return }
            grid.put(Format.fitted(parts, rect.width), x: rect.x, y: y, style: style)
            y += 1
        }
        func table(_ columns: [Column], style: @escaping (Int) -> CellStyle) {
            guard y < bottom else { return }
            y += Columns.draw(columns, in: Rect(x: rect.x, y: y, width: rect.width, height: bottom - y), into: &grid,
                              header: true, rowStyle: style)
        }
        guard let account = view.state else {
            line([view.status], CellStyle(.dim))
            return
        }
        if let call = account.lastMarginCall, let at = view.marginCallAt, s.now - at < 30_000 {
            for p in call.positions {
                line(["MARGIN CALL", p.symbol, "\(p.positionAmount)", "mark \(p.markPrice)", "maint \(money(p.maintenanceMargin))",
                      "uPnL \(money(p.unrealizedPnL))"], CellStyle(.red, bold: true, reverse: true))
            }
        }
        if view.status != "live" { line([view.status], CellStyle(.yellow)) }
        let balances = account.balances.values.sorted { $0.asset < $1.asset }.filter { !$0.walletBalance.isZero }
        let pnl = account.totalUnrealizedPnL
        var summary = [
            Column(header: "Asset", cells: balances.map(\.asset), alignment: .left, priority: 5),
            Column(header: "Wallet", cells: balances.map { money($0.walletBalance) }, alignment: .right, priority: 4),
            Column(header: "uPnL", cells: balances.map { _ in signed(pnl) }, alignment: .right, priority: 3,
                   styles: balances.map { _ in CellStyle(pnl.isNegative ? .down : .up) }),
        ]
        if let ratio = account.marginRatio {
            let percent = (ratio * 100).formatted(fractionDigits: 2) + "%"
            summary.append(Column(header: "Margin ratio", cells: balances.map { _ in percent }, alignment: .right, priority: 2,
                                  styles: balances.map { _ in CellStyle(ratio > ExactDecimal(mantissa: 8, scale: 1) ? .red : .normal) }))
        }
        table(summary, style: { _ in .plain })
        // With an order selected (trading, ↑↓ in this pane) the orders come first, from a few rows
        // above the selection, so the selected row is always on screen.
        func ordersTable() {
            let all = account.openOrders.values.sorted { $0.orderId < $1.orderId }
            guard !all.isEmpty else { return }
            let start = s.orderCursor.map { max(0, min($0, all.count - 1) - 2) } ?? 0
            let orders = Array(all[start...])
            table(orderColumns(orders, s), style: { i in
                i + start == s.orderCursor ? CellStyle(.yellow, bold: true, reverse: true) : CellStyle(.yellow)
            })
        }
        if s.orderCursor != nil { ordersTable() }
        let positions = account.openPositions
        if positions.isEmpty {
            line(["no open positions"], CellStyle(.dim))
        } else {
            table(positionColumns(positions, s), style: { positions[$0].unrealizedPnL.isNegative ? CellStyle(.down) : CellStyle(.up) })
        }
        if s.orderCursor == nil { ordersTable() }
        let fills = Array(account.recentFills.prefix(5))
        if !fills.isEmpty {
            table([
                Column(header: "Fill", cells: fills.map { short($0.symbol) }, alignment: .left, priority: 5),
                Column(header: "Side", cells: fills.map { $0.side == .buy ? "buy" : "sell" }, alignment: .left, priority: 4),
                Column(header: "Price", cells: fills.map { $0.price.formatted(fractionDigits: s.priceDigits($0.symbol, [$0.price])) },
                       alignment: .right, priority: 3),
                Column(header: "Qty", cells: fills.map { $0.quantity.formatted(fractionDigits: s.quantityDigits($0.symbol, [$0.quantity])) },
                       alignment: .right, priority: 3),
                Column(header: "Time", cells: fills.map { Format.clock($0.time) }, alignment: .right, priority: 1),
            ], style: { _ in CellStyle(.dim) })
        }
    }

    static func positionColumns(_ positions: [PositionState], _ s: DashboardSnapshot) -> [Column] {
        // The entry is an average (its own digits, at least the tick's); the mark is computed
        // (rounded to the tick when it is known).
        func entry(_ p: PositionState) -> String { p.entryPrice.formatted(fractionDigits: s.priceDigits(p.symbol, [p.entryPrice])) }
        func mark(_ p: PositionState) -> String {
            guard let m = p.markPrice else { return "-" }
            return m.formatted(fractionDigits: s.precisions[p.symbol]?.price ?? Int(m.scale))
        }
        func roe(_ p: PositionState) -> String {
            guard let percent = p.returnOnEquityPercent else { return "-" }
            return percent.formatted(fractionDigits: 2) + "%"
        }
        func liquidation(_ p: PositionState) -> String {
            guard let price = p.liquidationPrice else { return "-" }
            return price.formatted(fractionDigits: s.precisions[p.symbol]?.price ?? 2)
        }
        return [
            Column(header: "Position", cells: positions.map { short($0.symbol) }, alignment: .left, priority: 9),
            Column(header: "Side", cells: positions.map { $0.isLong ? "long" : "short" }, alignment: .left, priority: 7),
            Column(header: "Size", cells: positions.map { $0.amount.magnitude.formatted(fractionDigits: s.quantityDigits($0.symbol, [$0.amount])) },
                   alignment: .right, priority: 8),
            Column(header: "Entry", cells: positions.map(entry), alignment: .right, priority: 5),
            Column(header: "Mark", cells: positions.map(mark), alignment: .right, priority: 4),
            Column(header: "Liq", cells: positions.map(liquidation), alignment: .right, priority: 5),
            Column(header: "uPnL", cells: positions.map { signed($0.unrealizedPnL) }, alignment: .right, priority: 6),
            Column(header: "ROE", cells: positions.map(roe), alignment: .right, priority: 3),
            Column(header: "Lev", cells: positions.map { "\($0.leverage)x" }, alignment: .right, priority: 2),
        ]
    }

    static func orderColumns(_ orders: [OrderState], _ s: DashboardSnapshot) -> [Column] {
        [
            Column(header: "Order", cells: orders.map { short($0.symbol) }, alignment: .left, priority: 9),
            Column(header: "Side", cells: orders.map { $0.side == .buy ? "buy" : "sell" }, alignment: .left, priority: 8),
            Column(header: "Type", cells: orders.map { $0.type.wireValue.lowercased().replacingOccurrences(of: "_", with: " ") },
                   alignment: .left, priority: 3),
            Column(header: "Price", cells: orders.map { $0.price.formatted(fractionDigits: s.priceDigits($0.symbol, [$0.price])) },
                   alignment: .right, priority: 7),
            Column(header: "Qty", cells: orders.map { $0.quantity.formatted(fractionDigits: s.quantityDigits($0.symbol, [$0.quantity, $0.filled])) },
                   alignment: .right, priority: 6),
            Column(header: "Filled", cells: orders.map { $0.filled.formatted(fractionDigits: s.quantityDigits($0.symbol, [$0.quantity, $0.filled])) },
                   alignment: .right, priority: 4),
        ]
    }

    static func short(_ symbol: String) -> String { symbol.hasSuffix("USDT") ? String(symbol.dropLast(4)) : symbol }
    static func money(_ v: ExactDecimal) -> String { v.formatted(fractionDigits: 2) }
    static func signed(_ v: ExactDecimal) -> String { (v.isNegative ? "" : "+") + v.formatted(fractionDigits: 2) }

}


