import AsterKit

/// The tape: newest aggregate trades first, up-coloured for buyer-initiated, down-coloured for
/// seller-initiated, bold and starred when the size is in the top 5 % of recent trades.
/// Columns (time, price, size) are never cut: a narrow pane drops the time first.
enum TradesPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 12, rect.height >= 1 else { return }
        guard !s.trades.isEmpty else {
            grid.put("waiting for trades…", x: rect.x, y: rect.y, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        var rect = rect
        if rect.height >= 6, let flow = s.flow {
            renderFlow(flow, s, in: Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), into: &grid)
            rect = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        }
        let header = rect.height >= 4
        let trades = Array(s.trades.prefix(rect.height - (header ? 1 : 0)))
        let priceDigits = s.priceDigits(s.symbol, trades.map(\.price))
        let quantityDigits = s.quantityDigits(s.symbol, trades.map(\.quantity))
        let large = trades.map { t in s.largeTrade.map { t.quantity >= $0 } ?? false }
        let styles = zip(trades, large).map { t, big in CellStyle(t.buyerIsMaker ? .down : .up, bold: big) }
        let columns = [
            Column(header: "Time", cells: trades.map { Format.clock($0.tradeTime) }, alignment: .left, priority: 1,
                   styles: trades.map { _ in CellStyle(.dim) }),
            Column(header: "Price", cells: trades.map { $0.price.formatted(fractionDigits: priceDigits) }, alignment: .right,
                   priority: 4),
            Column(header: "Size", cells: trades.map { $0.quantity.formatted(fractionDigits: quantityDigits) },
                   alignment: .right, priority: 3),
            Column(header: " ", cells: large.map { $0 ? "*" : " " }, alignment: .left, priority: 2),
        ]
        Columns.draw(columns, in: rect, into: &grid, header: header, rowStyle: { styles[$0] })
    }

    /// `5m vwap 97012.3 buy 12.3 (45) sell 10.1 (38) b/s 1.22 Δ +2.20`: who aggressed over the window
    /// (volumes abbreviated past 1,000; counts in brackets; `b/s` is buy over sell volume).
    static func renderFlow(_ f: TradeFlow.Stats, _ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        // One digit past the tick (an average is finer than a price), rounded; all of them before exchangeInfo.
        let digits = s.precisions[s.symbol].map { $0.price + 1 } ?? 10
        var parts = ["\(f.window)"]
        if let vwap = f.vwap { parts.append("vwap \(vwap.formatted(fractionDigits: min(digits, Int(vwap.scale))))") }
        parts.append("buy \(Format.compact(f.buyVolume)) (\(f.buyCount))")
        parts.append("sell \(Format.compact(f.sellVolume)) (\(f.sellCount))")
        if let ratio = f.ratio { parts.append("b/s \(ratio.rounded(scale: 2))") }
        let delta = f.delta
        parts.append("Δ " + (delta.isNegative ? "" : "+") + Format.compact(delta))
        grid.put(Format.fitted(parts, rect.width), x: rect.x, y: rect.y,
                 style: CellStyle(delta.isNegative ? .down : .up, bold: true), maxWidth: rect.width)
    }
}
