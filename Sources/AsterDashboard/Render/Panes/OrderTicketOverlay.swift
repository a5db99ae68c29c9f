import AsterKit

/// The order ticket: side, type and symbol; the fields (the one being typed highlighted); then,
/// once Enter was pressed, what will be sent with its notional, margin, resulting position and
/// estimated liquidation price, waiting for a second Enter.
enum OrderTicketOverlay {
    static func render(_ s: DashboardSnapshot, width: Int, height: Int, into grid: inout CellGrid, glyphs: Glyphs) {
        guard let t = s.orderTicket else { return }
        let w = min(width - 2, 64)
        let h = min(height - 2, 16)
        guard w > 30, h > 8 else {
            // Too small for the box: one line at the bottom.
            let text = "\(t.side.wireValue) \(t.symbol) qty \(t.quantity)_ @ \(t.market ? "MKT" : t.price)  Enter/Esc"
            grid.put(text, x: 0, y: height - 1, style: CellStyle(.white, bold: true, reverse: true), maxWidth: width)
            return
        }
        let rect = Rect(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
        grid.fill(rect)
        let title = t.modifying.map { "Change order \($0)" } ?? "\(t.side == .buy ? "Buy" : "Sell") \(t.symbol)"
        let inner = DashboardRenderer(glyphs: glyphs).box(rect, title: title, focused: true, into: &grid)
        var y = inner.y
        let side = CellStyle(t.side == .buy ? .up : .down, bold: true)
        func line(_ text: String, _ style: CellStyle = CellStyle(.normal)) {
            guard y < inner.y + inner.height - 1 else { return }
            grid.put(text, x: inner.x + 1, y: y, style: style, maxWidth: inner.width - 1)
            y += 1
        }
        line("\(t.side.wireValue) \(t.market ? "MARKET" : "LIMIT")\(t.reduceOnly ? "  reduce-only" : "")", side)
        for field in t.fields {
            let unit = field == .quantity ? (t.quantityInQuote ? " USDT" : " contracts") : ""
            let typing = field == t.field && t.preview == nil
            let label = Format.padRight(field.rawValue, 12)
            line("\(label) \(t.text(field))\(typing ? "_" : "")\(unit)", CellStyle(typing ? .yellow : .normal, bold: typing))
        }
        y += 1
        if let problem = t.problem { line(problem, CellStyle(.red, bold: true)) }
        if let p = t.preview {
            let digits = s.priceDigits(t.symbol, [])
            line("notional   \(p.notional.formatted(fractionDigits: 2)) USDT", CellStyle(.normal, bold: true))
            if let e = p.estimate {
                if let m = e.requiredMargin { line("margin     \(m.formatted(fractionDigits: 2)) USDT") }
                line("position   \(e.amount) \(t.symbol)" + (e.amount.isZero ? " (flat)" : " @ \(e.entryPrice.formatted(fractionDigits: digits))"))
                line("est. liq.  " + (e.liquidationPrice.map { $0.formatted(fractionDigits: digits) } ?? "none"))
            }
            for order in p.orders.dropFirst() { line("then       \(order.type.wireValue) trigger \(order.stopPrice ?? .zero)", CellStyle(.dim)) }
            line("Enter sends, Esc goes back", CellStyle(.yellow, bold: true))
        } else {
            line("Tab next field  m market/limit  u contracts/USDT  r reduce-only", CellStyle(.dim))
            line("Enter to review, Esc to close", CellStyle(.dim))
        }
    }
}

/// A question waiting for Enter (cancel an order, close a position), on the bottom line.
enum ConfirmationLine {
    static func render(_ s: DashboardSnapshot, width: Int, height: Int, into grid: inout CellGrid) {
        guard let c = s.confirmation else { return }
        let y = height - 1
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), with: Cell(character: " ", style: CellStyle(.yellow, reverse: true)))
        grid.put(c.question + "  Enter or y confirms, any other key does not", x: 0, y: y,
                 style: CellStyle(.yellow, bold: true, reverse: true), maxWidth: width)
    }
}
