import AsterKit

/// Recent liquidations across the market, newest first.
enum LiquidationsPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard !s.liquidations.isEmpty else {
            grid.put("no liquidations yet", x: rect.x, y: rect.y, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        for (i, l) in s.liquidations.prefix(rect.height).enumerated() {
            let sell = l.side == .sell
            let symbol = l.symbol.hasSuffix("USDT") ? String(l.symbol.dropLast(4)) : l.symbol
            let clock = rect.width >= 28 ? Format.clock(l.tradeTime) + " " : ""
            let text = clock + Format.padRight(symbol, 6) + (sell ? " S " : " B ")
                + Format.padLeft(Format.compact(l.notional), max(0, rect.width - clock.count - 9))
            grid.put(text, x: rect.x, y: rect.y + i, style: CellStyle(sell ? .red : .green), maxWidth: rect.width)
        }
    }
}
