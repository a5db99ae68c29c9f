import AsterKit

/// Order book: asks above, bids below, with cumulative depth bars, spread, mid and imbalance.
enum BookPane {
    /// Levels merged onto a price grid: bids round down, asks round up.
    static func grouped(_ levels: [PriceLevel], step: ExactDecimal?, bids: Bool) -> [PriceLevel] {
        guard let step else { return levels }
        var out: [PriceLevel] = []
        for level in levels {
            let price = level.price.rounded(toMultipleOf: step, rule: bids ? .down : .up)
            if let last = out.last, last.price == price {
                out[out.count - 1].quantity += level.quantity
            } else {
                out.append(PriceLevel(price: price, quantity: level.quantity))
            }
        }
        return out
    }

    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid, glyphs: Glyphs) {
        guard rect.width >= 16, rect.height >= 3 else { return }
        guard !s.bids.isEmpty || !s.asks.isEmpty else {
            grid.put("waiting for the book…", x: rect.x, y: rect.y, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        let perSide = min(s.bookDepth, (rect.height - 1) / 2)
        let bids = Array(grouped(s.bids, step: s.grouping, bids: true).prefix(perSide))
        let asks = Array(grouped(s.asks, step: s.grouping, bids: false).prefix(perSide))
        let cumBids = cumulative(bids)
        let cumAsks = cumulative(asks)
        let maxCum = max(cumBids.last?.doubleValue ?? 0, cumAsks.last?.doubleValue ?? 0, 1e-12)
        let priceWidth = max(8, min(14, rect.width / 3))
        let qtyWidth = max(6, min(11, (rect.width - priceWidth) / 3))
        let cumWidth = qtyWidth
        let barWidth = max(0, rect.width - priceWidth - qtyWidth - cumWidth - 1)
        let top = rect.y + (rect.height - 1) / 2 - asks.count
        for (i, level) in asks.enumerated().reversed() {
            let y = top + (asks.count - 1 - i)
            row(level, cum: cumAsks[i], maxCum: maxCum, y: y, color: .red, rect: rect, into: &grid,
                widths: (priceWidth, qtyWidth, cumWidth, barWidth), glyphs: glyphs)
        }
        let mid = rect.y + (rect.height - 1) / 2
        if let bid = s.bids.first?.price, let ask = s.asks.first?.price {
            let spread = ask - bid
            let midPrice = ((bid + ask) * ExactDecimal(mantissa: 5, scale: 1))
            let bidQty = bids.reduce(ExactDecimal.zero) { $0 + $1.quantity }.doubleValue
            let askQty = asks.reduce(ExactDecimal.zero) { $0 + $1.quantity }.doubleValue
            let imbalance = bidQty + askQty > 0 ? (bidQty - askQty) / (bidQty + askQty) * 100 : 0
            let text = "spread \(spread) mid \(midPrice) imb \(imbalance >= 0 ? "+" : "")\(Format.fixed(imbalance, 0))%"
            grid.put(text, x: rect.x, y: mid, style: CellStyle(.yellow, bold: true), maxWidth: rect.width)
        }
        for (i, level) in bids.enumerated() {
            row(level, cum: cumBids[i], maxCum: maxCum, y: mid + 1 + i, color: .green, rect: rect, into: &grid,
                widths: (priceWidth, qtyWidth, cumWidth, barWidth), glyphs: glyphs)
        }
    }

    private static func cumulative(_ levels: [PriceLevel]) -> [ExactDecimal] {
        var total = ExactDecimal.zero
        return levels.map { total += $0.quantity; return total }
    }

    private static func row(_ level: PriceLevel, cum: ExactDecimal, maxCum: Double, y: Int, color: PaletteColor,
                            rect: Rect, into grid: inout CellGrid, widths: (Int, Int, Int, Int), glyphs: Glyphs) {
        guard y >= rect.y, y < rect.y + rect.height else { return }
        var x = rect.x
        x += grid.put(Format.padLeft(level.price.description, widths.0), x: x, y: y, style: CellStyle(color, bold: true))
        x += grid.put(Format.padLeft(level.quantity.description, widths.1), x: x, y: y)
        x += grid.put(Format.padLeft(Format.compact(cum), widths.2), x: x, y: y, style: CellStyle(.dim))
        x += 1
        let length = Int((cum.doubleValue / maxCum * Double(widths.3)).rounded())
        grid.put(String(repeating: glyphs.bar, count: max(0, min(widths.3, length))), x: x, y: y, style: CellStyle(color))
    }
}
