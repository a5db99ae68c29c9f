import AsterKit

/// Candlesticks (or a line of closes) of the selected interval, newest on the right: the price
/// axis with the range and a tagged current-price line, a VWAP line (anchored at the first candle
/// shown), a cumulative-volume-delta strip and volume bars under the candles, a time axis, and the
/// last candle's OHLCV with the VWAP and CVD on the bottom row. Short panes leave out the CVD strip,
/// the time axis, then the volume.
enum ChartPane {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid, glyphs: Glyphs) {
        guard rect.width >= 12, rect.height >= 3 else { return }
        guard let newest = s.klines.last else {
            grid.put("waiting for \(s.interval.wireValue) klines…", x: rect.x, y: rect.y, style: CellStyle(.dim),
                     maxWidth: rect.width)
            return
        }
        let visible = Array(s.klines.suffix(max(1, rect.width - 4)))
        let digits = s.priceDigits(s.symbol, visible.flatMap { [$0.open, $0.high, $0.low, $0.close] })
        func price(_ v: ExactDecimal) -> String { v.formatted(fractionDigits: digits) }
        // The axis is as wide as its widest label, so a price is never cut.
        let axisLabels = [visible.map { max($0.high, $0.open, $0.close) }.max() ?? newest.high,
                          visible.map { min($0.low, $0.open, $0.close) }.min() ?? newest.low, newest.close].map(price)
        let axis = (axisLabels.map(\.count).max() ?? 8) + 1
        let columns = max(1, rect.width - axis)
        let candles = Array(s.klines.suffix(columns))
        // The range covers open and close too: a feed may send a body outside its wick.
        let highest = candles.map { max($0.high, $0.open, $0.close) }.max() ?? newest.high
        let lowest = candles.map { min($0.low, $0.open, $0.close) }.min() ?? newest.low
        var high = highest.doubleValue
        var low = lowest.doubleValue
        if high - low < 1e-12 {
            high += 0.5
            low -= 0.5
        }
        // Rows, top to bottom: prices, volume bars, the time axis, the OHLCV line.
        let timeRows = rect.height >= 8 ? 1 : 0
        let volumeRows = rect.height >= 14 ? 3 : rect.height >= 11 ? 2 : rect.height >= 8 ? 1 : 0
        let cvdRows = rect.height >= 12 ? 1 : 0
        let rows = rect.height - 1 - timeRows - volumeRows - cvdRows
        let flow = ChartFlow.series(candles)
        func rowOf(_ v: Double) -> Int {
            let fraction = min(max((v - low) / (high - low), 0), 1)
            return rect.y + rows - 1 - Int((fraction * Double(rows - 1)).rounded())
        }
        let x0 = rect.x + columns - candles.count
        // The current price as a dotted line across the chart (candles draw over it).
        let lastRow = rowOf(newest.close.doubleValue)
        for x in rect.x..<(rect.x + columns) {
            grid[x, lastRow] = Cell(character: glyphs.priceLine, style: CellStyle(.dim))
        }
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
        // The VWAP where nothing else is drawn (candles stay whole).
        for (i, point) in flow.enumerated() {
            guard let vwap = point.vwap else { continue }
            let x = x0 + i
            let y = rowOf(vwap.doubleValue)
            let under = grid[x, y].character
            if under == " " || under == glyphs.priceLine {
                grid[x, y] = Cell(character: glyphs.marks[1], style: CellStyle(.magenta, bold: true))
            }
        }
        let last = newest
        grid.put(Format.padLeft(price(highest), axis), x: rect.x + columns, y: rect.y, style: CellStyle(.dim))
        grid.put(Format.padLeft(price(lowest), axis), x: rect.x + columns, y: rect.y + rows - 1, style: CellStyle(.dim))
        // The VWAP's tag on the axis, where no other label is.
        if let vwap = flow.last?.vwap, case let y = rowOf(vwap.doubleValue), y != lastRow, y != rect.y, y != rect.y + rows - 1 {
            grid.put(Format.padLeft(price(vwap), axis), x: rect.x + columns, y: y, style: CellStyle(.magenta, bold: true))
        }
        // The current-price tag: reversed, on the price line.
        grid.put(" " + Format.padLeft(price(last.close), axis - 1), x: rect.x + columns, y: lastRow,
                 style: CellStyle(last.close >= last.open ? .up : .down, bold: true, reverse: true))
        if cvdRows > 0 { cvdStrip(flow, x0: x0, y: rect.y + rows, axisX: rect.x + columns, axis: axis, into: &grid, glyphs: glyphs) }
        if volumeRows > 0 {
            volume(candles, x0: x0, top: rect.y + rows + cvdRows, rows: volumeRows, axisX: rect.x + columns, axis: axis, into: &grid, glyphs: glyphs)
        }
        if timeRows > 0 {
            timeAxis(candles, x0: x0, y: rect.y + rows + cvdRows + volumeRows, interval: s.interval, into: &grid)
        }
        var info = ["C \(price(last.close))", "O \(price(last.open))", "H \(price(last.high))", "L \(price(last.low))",
                    "V \(Format.compact(last.volume))"]
        if let vwap = flow.last?.vwap { info.append("VWAP \(vwap.formatted(fractionDigits: min(Int(vwap.scale), digits + 1)))") }
        if let cvd = flow.last?.cvd { info.append("CVD " + (cvd.isNegative ? "" : "+") + Format.compact(cvd)) }
        grid.put(Format.fitted(info, rect.width), x: rect.x, y: rect.y + rect.height - 1,
                 style: CellStyle(.dim), maxWidth: rect.width)
    }

    /// The cumulative volume delta as one row of eighths (lowest to highest over the candles shown),
    /// each cell coloured by its candle's own delta, with the latest CVD on the axis.
    static func cvdStrip(_ flow: [ChartFlow.Point], x0: Int, y: Int, axisX: Int, axis: Int, into grid: inout CellGrid, glyphs: Glyphs) {
        guard let lastCVD = flow.last?.cvd else { return }
        let values = flow.map(\.cvd.doubleValue)
        let low = values.min() ?? 0
        let span = (values.max() ?? 0) - low
        for (i, point) in flow.enumerated() {
            let eighths = span > 0 ? max(1, Int(((values[i] - low) / span * 8).rounded())) : 4
            grid[x0 + i, y] = Cell(character: glyphs.eighths[min(8, eighths)], style: CellStyle(point.delta.isNegative ? .down : .up))
        }
        let figure = (lastCVD.isNegative ? "" : "+") + Format.compact(lastCVD)
        grid.put(Format.padLeft(figure.count + 2 <= axis ? "Δ " + figure : figure, axis), x: axisX, y: y, style: CellStyle(.dim))
    }

    /// Volume bars in eighths of a cell, coloured like their candle, with the largest on the axis.
    static func volume(_ candles: [Candle], x0: Int, top: Int, rows: Int, axisX: Int, axis: Int, into grid: inout CellGrid,
                       glyphs: Glyphs) {
        let largestVolume = candles.map(\.volume).max() ?? .zero
        let largest = largestVolume.doubleValue
        guard largest > 0 else { return }
        for (i, k) in candles.enumerated() {
            var eighths = Int((k.volume.doubleValue / largest * Double(rows * 8)).rounded())
            if eighths == 0 && !k.volume.isZero { eighths = 1 }
            let style = CellStyle(k.close >= k.open ? .up : .down)
            for r in 0..<rows {
                let filled = min(8, max(0, eighths - r * 8))
                guard filled > 0 else { break }
                grid[x0 + i, top + rows - 1 - r] = Cell(character: glyphs.eighths[filled], style: style)
            }
        }
        grid.put(Format.padLeft("V " + Format.compact(largestVolume.rounded(scale: 0)), axis),
                 x: axisX, y: top, style: CellStyle(.dim))
    }

    /// Candle open times under the candles: `HH:MM` (UTC) for intraday intervals, `MM-DD` from a day up.
    static func timeAxis(_ candles: [Candle], x0: Int, y: Int, interval: KlineInterval, into grid: inout CellGrid) {
        let daily = (interval.milliseconds ?? 0) >= 86_400_000
        var nextFree = x0
        for (i, k) in candles.enumerated() where i % 12 == 0 || i == candles.count - 1 {
            let label = daily ? Format.monthDay(k.openTime) : String(Format.clock(k.openTime).prefix(5))
            let x = x0 + i
            guard x >= nextFree, x + label.count <= x0 + candles.count else { continue }
            grid.put(label, x: x, y: y, style: CellStyle(.dim))
            nextFree = x + label.count + 1
        }
    }
}
