import AsterKit

/// Symbols with last price, 24 h change and quote volume; the focused row is highlighted.
enum WatchlistPane {
    /// The index of the top row shown: the focus stays near the middle when the list scrolls.
    static func firstVisibleRow(_ s: DashboardSnapshot, rows: Int) -> Int {
        min(max(0, s.focusIndex - rows / 2), max(0, s.watchlist.count - rows))
    }

    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid) {
        guard rect.width >= 10, rect.height >= 2 else { return }
        // Narrow panes show the base asset (BTC) instead of the symbol (BTCUSDT).
        let short = rect.width < 36
        let nameWidth = short ? 6 : 10
        let rest = rect.width - nameWidth
        let changeWidth = 8
        var lastWidth = min(14, max(7, rest * 4 / 10))
        var volWidth = min(10, max(0, rest - changeWidth - lastWidth))
        if volWidth < 7 {  // no room for a readable volume: give the space to the price
            lastWidth += volWidth
            volWidth = 0
        }
        let header = Format.padRight("Symbol", nameWidth) + Format.padLeft("Last", lastWidth)
            + Format.padLeft("24h%", changeWidth) + (volWidth > 0 ? Format.padLeft("Vol", volWidth) : "")
        grid.put(header, x: rect.x, y: rect.y, style: CellStyle(.dim, bold: true), maxWidth: rect.width)
        let rows = rect.height - 1
        guard !s.watchlist.isEmpty else {
            grid.put("waiting for tickers…", x: rect.x, y: rect.y + 1, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        let first = firstVisibleRow(s, rows: rows)
        for (i, row) in s.watchlist.dropFirst(first).prefix(rows).enumerated() {
            let focused = first + i == s.focusIndex
            let y = rect.y + 1 + i
            let positive = !row.changePercent.isNegative
            let base = CellStyle(.normal, bold: focused, reverse: focused)
            if focused { grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(character: " ", style: base)) }
            var x = rect.x
            let name = short && row.symbol.hasSuffix("USDT") ? String(row.symbol.dropLast(4)) : row.symbol
            x += grid.put(Format.padRight(name, nameWidth), x: x, y: y, style: base)
            x += grid.put(Format.padLeft(row.last.description, lastWidth), x: x, y: y, style: base)
            let change = (positive ? "+" : "") + row.changePercent.formatted(fractionDigits: 2)
            x += grid.put(" " + Format.padLeft(change, changeWidth - 1), x: x, y: y,
                          style: CellStyle(positive ? .green : .red, bold: focused, reverse: focused))
            if volWidth > 0 {
                grid.put(" " + Format.padLeft(Format.compact(row.quoteVolume), volWidth - 1), x: x, y: y, style: base)
            }
        }
    }
}
