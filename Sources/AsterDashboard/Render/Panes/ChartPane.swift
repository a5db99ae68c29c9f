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
        let axis = 12
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
        for (i, k) in candles.enumerated() {
            let up = k.close >= k.open
            let style = CellStyle(up ? .green : .red)
            let x = x0 + i
            for y in rowOf(max(k.high, k.open, k.close).doubleValue)...rowOf(min(k.low, k.open, k.close).doubleValue) {
                grid[x, y] = Cell(character: glyphs.wick, style: style)
            }
            let top = rowOf(max(k.open, k.close).doubleValue)
            let bottom = rowOf(min(k.open, k.close).doubleValue)
            for y in top...bottom { grid[x, y] = Cell(character: glyphs.body, style: style) }
        }
        let last = candles.last!
        grid.put(" " + highest.description, x: rect.x + columns, y: rect.y, style: CellStyle(.dim), maxWidth: axis)
        grid.put(" " + last.close.description, x: rect.x + columns, y: rowOf(last.close.doubleValue),
                 style: CellStyle(last.close >= last.open ? .green : .red, bold: true), maxWidth: axis)
        grid.put(" " + lowest.description, x: rect.x + columns, y: rect.y + rows - 1, style: CellStyle(.dim), maxWidth: axis)
        let info = "O \(last.open)  H \(last.high)  L \(last.low)  C \(last.close)  V \(Format.compact(last.volume))"
        grid.put(info, x: rect.x, y: rect.y + rect.height - 1, style: CellStyle(.dim), maxWidth: rect.width)
    }
}
