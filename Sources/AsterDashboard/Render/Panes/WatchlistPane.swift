import AsterKit

/// Symbols with last price, 24 h change and quote volume; the focused row is highlighted.
/// A narrow pane shows base assets (BTC for BTCUSDT), then drops the volume, then the change.
enum WatchlistPane {
    /// The index of the top row shown: the focus stays near the middle when the list scrolls.
    static func firstVisibleRow(_ s: DashboardSnapshot, rows: Int) -> Int {
        min(max(0, s.focusIndex - rows / 2), max(0, s.watchlist.count - rows))
    }

    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 10, rect.height >= 2 else { return }
        let rows = rect.height - 1
        guard !s.watchlist.isEmpty else {
            grid.put("Symbol", x: rect.x, y: rect.y, style: CellStyle(.dim, bold: true), maxWidth: rect.width)
            grid.put("waiting for tickers…", x: rect.x, y: rect.y + 1, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        let first = firstVisibleRow(s, rows: rows)
        let shown = Array(s.watchlist.dropFirst(first).prefix(rows))
        let short = rect.width < 36
        let names = shown.map { short && $0.symbol.hasSuffix("USDT") ? String($0.symbol.dropLast(4)) : $0.symbol }
        let last = shown.map { row in row.last.formatted(fractionDigits: s.priceDigits(row.symbol, [row.last])) }
        let change = shown.map { ($0.changePercent.isNegative ? "" : "+") + $0.changePercent.formatted(fractionDigits: 2) }
        let focused = shown.indices.map { first + $0 == s.focusIndex }
        let base = focused.map { CellStyle(.normal, bold: $0, reverse: $0) }
        let columns = [
            Column(header: "Symbol", cells: names, alignment: .left, priority: 4),
            Column(header: "Last", cells: last, alignment: .right, priority: 3),
            Column(header: "24h%", cells: change, alignment: .right, priority: 2,
                   styles: zip(shown, focused).map { row, f in CellStyle(row.changePercent.isNegative ? .down : .up, bold: f, reverse: f) }),
            Column(header: "Vol", cells: shown.map { Format.compact($0.quoteVolume) }, alignment: .right, priority: 1),
        ]
        for (i, f) in focused.enumerated() where f {
            grid.fill(Rect(x: rect.x, y: rect.y + 1 + i, width: rect.width, height: 1), with: Cell(character: " ", style: base[i]))
        }
        Columns.draw(columns, in: rect, into: &grid, header: true, rowStyle: { base[$0] })
    }
}
