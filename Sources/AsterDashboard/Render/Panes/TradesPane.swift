import AsterKit

/// The tape: newest aggregate trades first, green for buyer-initiated, red for seller-initiated,
/// bold when the size is in the top 5 % of recent trades.
enum TradesPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard !s.trades.isEmpty else {
            grid.put("waiting for trades…", x: rect.x, y: rect.y, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        let timeWidth = rect.width >= 30 ? 9 : 0
        let priceWidth = (rect.width - timeWidth) / 2
        let qtyWidth = rect.width - timeWidth - priceWidth
        for (i, t) in s.trades.prefix(rect.height).enumerated() {
            let buy = !t.buyerIsMaker
            let large = s.largeTrade.map { t.quantity >= $0 } ?? false
            let style = CellStyle(buy ? .green : .red, bold: large)
            var x = rect.x
            if timeWidth > 0 { x += grid.put(Format.clock(t.tradeTime) + " ", x: x, y: rect.y + i, style: CellStyle(.dim)) }
            x += grid.put(Format.padLeft(t.price.description, priceWidth), x: x, y: rect.y + i, style: style)
            grid.put(Format.padLeft(t.quantity.description + (large ? " *" : "  "), qtyWidth), x: x, y: rect.y + i, style: style)
        }
    }
}
