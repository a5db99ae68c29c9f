import AsterKit

/// Candlesticks of the selected interval, newest on the right, with the price range on the axis.
enum ChartPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid, glyphs: Glyphs) {
        guard rect.width >= 12, rect.height >= 3 else { return }
        guard !s.klines.isEmpty else {
            grid.put("waiting for \(s.interval.wireValue) klines…", x: rect.x, y: rect.y, style: CellStyle(.dim),
                     maxWidth: rect.width)
            return
        }
        let visible = Array(s.klines.suffix(max(1, rect.width - 4)))
        let digits = s.priceDigits(s.symbol, visible.flatMap { [$0.open, $0.high, $0.low, $0.close] })
        func price(_ v: ExactDecimal) -> String { v.formatted(fractionDigits: digits) }
        // The axis is as wide as its widest label, so a price is never cut.
        let axisLabels = [visible.map { max($0.high, $0.open, $0.close) }.max()!, visible.map { min($0.low, $0.open, $0.close) }.min()!,
                          visible.last!.close].map(price)
        let axis = (axisLabels.map(\.count).max() ?? 8) + 1
        let columns = max(1, rect.width - axis)
        let candles = Array(s.klines.suffix(columns))
        // The range covers open and close too: a feed may send a body outside its wick.
        let highest = candles.map { max($0.high, $0.open, $0.close) }.max()!
        let lowest = candles.map { min($0.low, $0.open, $0.close) }.min()!
        var high = highest.doubleValue
        var low = lowest.doubleValue
        if high - low < 1e-12 {
            high += 0.5
            low -= 0.5
        }
        let rows = rect.height - 1
        func rowOf(_ v: Double) -> Int {
            let fraction = min(max((v - low) / (high - low), 0), 1)
            return rect.y + rows - 1 - Int((fraction * Double(rows - 1)).rounded())
        }
        let x0 = rect.x + columns - candles.count
        var previousRow: Int?
        for (i, k) in candles.enumerated() {
            let up = k.close >= k.open
            let style = CellStyle(up ? .up : .down)
            let x = x0 + i
            if s.chartStyle == .line {
                // The close of each candle, joined to the previous one by a vertical stroke.
                let y = rowOf(k.close.doubleValue)
                if let p = previousRow, abs(p - y) > 1 {
                    for yy in (min(p, y) + 1)..<max(p, y) { grid[x, yy] = Cell(character: glyphs.wick, style: style) }
                }
                grid[x, y] = Cell(character: glyphs.dot, style: CellStyle(up ? .up : .down, bold: true))
                previousRow = y
                continue
            }
            for y in rowOf(max(k.high, k.open, k.close).doubleValue)...rowOf(min(k.low, k.open, k.close).doubleValue) {
                grid[x, y] = Cell(character: glyphs.wick, style: style)
            }
            let top = rowOf(max(k.open, k.close).doubleValue)
            let bottom = rowOf(min(k.open, k.close).doubleValue)
            for y in top...bottom { grid[x, y] = Cell(character: glyphs.body, style: style) }
        }
        let last = candles.last!
        grid.put(Format.padLeft(price(highest), axis), x: rect.x + columns, y: rect.y, style: CellStyle(.dim))
        grid.put(Format.padLeft(price(lowest), axis), x: rect.x + columns, y: rect.y + rows - 1, style: CellStyle(.dim))
        grid.put(Format.padLeft(price(last.close), axis), x: rect.x + columns, y: rowOf(last.close.doubleValue),
                 style: CellStyle(last.close >= last.open ? .up : .down, bold: true))
        let info = ["C \(price(last.close))", "O \(price(last.open))", "H \(price(last.high))", "L \(price(last.low))",
                    "V \(Format.compact(last.volume))"]
        grid.put(Format.fitted(info, rect.width), x: rect.x, y: rect.y + rect.height - 1,
                 style: CellStyle(.dim), maxWidth: rect.width)
    }
}
