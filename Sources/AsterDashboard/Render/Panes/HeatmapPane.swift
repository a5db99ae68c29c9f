import AsterKit

/// The depth heatmap: time on x (one column per sample, newest on the right), price on y around
/// the mid (one row per price step: the tick, or the book's grouping `g`/`G`), each cell coloured
/// by the resting quantity in its price step at that moment on a ramp scaled to the visible
/// maximum; best bid and ask lines; taker buys and sells as marks sized by quantity; a price axis,
/// a time axis and a legend. With `colors` off (8-colour, monochrome) shades carry the ramp.
/// The title says which book the columns come from (``sourceLabel(_:)``): the synchronised local
/// book, or the partial-depth stream's top 20 levels.
enum HeatmapPane {
    /// Which book the right-hand column was drawn from: `book: synced` (the synchronised local
    /// book) or `book: top 20` (the partial-depth stream), with the local book's state while it is
    /// being built (`book: top 20, syncing`).
    static func sourceLabel(_ s: DashboardSnapshot) -> String {
        switch s.heatmap.sample(age: s.heatmapScroll)?.source {
        case .synced: return "book: synced"
        case .top20, nil:
            guard s.heatmapScroll == 0, let state = s.localBook, state != .live else { return "book: top 20" }
            return "book: top 20, " + (state == .resyncing ? "resyncing" : "syncing")
        }
    }

    /// When the visible columns mix sources: the other source and the time of its newest column
    /// (`top 20 until 12:00:03`), so older columns are not taken for what the title says.
    static func sourceChange(_ s: DashboardSnapshot, columns: Int) -> String? {
        guard let edge = s.heatmap.sample(age: s.heatmapScroll)?.source, columns > 1 else { return nil }
        for age in (s.heatmapScroll + 1)..<(s.heatmapScroll + columns) {
            guard let sample = s.heatmap.sample(age: age) else { return nil }
            if sample.source != edge { return (sample.source == .synced ? "synced" : "top 20") + " until " + Format.clock(sample.time) }
        }
        return nil
    }

    /// What the heatmap shows: quantities per cell (row-major, top row first) and the price grid.
    struct Cells: Equatable {
        var columns: Int
        var rows: Int
        /// Resting quantity per cell, exact.
        var quantity: [ExactDecimal]
        /// The price of each row's step (its lower bound), top row first.
        var prices: [ExactDecimal]
        /// The largest cell quantity (the ramp's top).
        var maximum: ExactDecimal
        /// Rows of the best bid and ask per column (`nil` off screen or unknown).
        var bidRow: [Int?]
        var askRow: [Int?]
        /// Trade marks: column, row, size class 0...2, buy.
        var marks: [(column: Int, row: Int, size: Int, buy: Bool)]

        static func == (a: Cells, b: Cells) -> Bool {
            a.columns == b.columns && a.rows == b.rows && a.quantity == b.quantity && a.prices == b.prices
                && a.maximum == b.maximum && a.bidRow == b.bidRow && a.askRow == b.askRow
                && a.marks.map { [$0.column, $0.row, $0.size, $0.buy ? 1 : 0] } == b.marks.map { [$0.column, $0.row, $0.size, $0.buy ? 1 : 0] }
        }

        /// The ramp level of a cell: 0 empty, 1...6 from least to most (square-root scale, so
        /// thin liquidity still shows beside a wall).
        func level(_ column: Int, _ row: Int) -> Int {
            let q = quantity[row * columns + column]
            guard !q.isZero, !maximum.isZero, !q.isNegative else { return 0 }
            let fraction = min(1, max(0, q.doubleValue / maximum.doubleValue)).squareRoot()
            return min(6, max(1, Int((fraction * 6).rounded(.up))))
        }
    }

    /// The cells of `columns`x`rows` ending `s.heatmapScroll` samples before the newest; `nil` without samples.
    static func cells(_ s: DashboardSnapshot, columns: Int, rows: Int) -> Cells? {
        guard columns > 0, rows > 0, let reference = s.heatmap.sample(age: s.heatmapScroll) else { return nil }
        let digits = s.precisions[s.symbol]?.price
            ?? (reference.bids + reference.asks).reduce(0) { max($0, Int($1.price.scale)) }
        let tick = ExactDecimal(mantissa: 1, scale: digits)
        // Without a grouping, the view fits the visible history: every best bid and ask shown, and
        // the newest book's depth; with one (g/G), it is centred on the newest mid.
        var low = reference.bids.last?.price ?? reference.asks.first?.price
        var high = reference.asks.last?.price ?? reference.bids.first?.price
        if s.grouping == nil {
            for age in s.heatmapScroll..<(s.heatmapScroll + columns) {
                guard let sample = s.heatmap.sample(age: age) else { break }
                for p in [sample.bestBid, sample.bestAsk].compactMap({ $0 }) {
                    if low.map({ p < $0 }) ?? true { low = p }
                    if high.map({ p > $0 }) ?? true { high = p }
                }
            }
        }
        let step = s.grouping ?? autoStep(low: low, high: high, tick: tick, rows: rows)
        // Integer price units at one scale: exact and cheap per level.
        let scale = min(18, max(Int(step.scale), digits))
        func units(_ p: ExactDecimal) -> Int64? {
            var m = p.mantissa
            var sc = Int(p.scale)
            while sc > scale { m /= 10; sc -= 1 }
            while sc < scale {
                let (v, overflow) = m.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                m = v
                sc += 1
            }
            return m
        }
        guard let stepUnits = units(step), stepUnits > 0 else { return nil }
        func bucket(_ p: ExactDecimal) -> Int64? {
            guard let u = units(p) else { return nil }
            return u >= 0 ? u / stepUnits : -((-u + stepUnits - 1) / stepUnits)
        }
        let mid: ExactDecimal
        switch (reference.bestBid, reference.bestAsk) {
        case _ where s.grouping == nil && low != nil && high != nil: mid = ((low ?? .zero) + (high ?? .zero)) * ExactDecimal(mantissa: 5, scale: 1)
        case let (b?, a?): mid = (b + a) * ExactDecimal(mantissa: 5, scale: 1)
        case let (b?, nil): mid = b
        case let (nil, a?): mid = a
        default: return nil
        }
        guard let centre = bucket(mid) else { return nil }
        let top = centre + Int64(rows / 2)
        func row(_ p: ExactDecimal?) -> Int? {
            guard let p, let b = bucket(p) else { return nil }
            let (r, overflow) = top.subtractingReportingOverflow(b)
            return !overflow && r >= 0 && r < Int64(rows) ? Int(r) : nil
        }
        var out = Cells(columns: columns, rows: rows, quantity: Array(repeating: .zero, count: columns * rows),
                        prices: (0..<rows).map { step * ExactDecimal(mantissa: top - Int64($0), scale: 0) },
                        maximum: .zero, bidRow: Array(repeating: nil, count: columns), askRow: Array(repeating: nil, count: columns),
                        marks: [])
        var largestMark = ExactDecimal.zero
        var pending: [(column: Int, row: Int, quantity: ExactDecimal, buy: Bool)] = []
        for column in 0..<columns {
            guard let sample = s.heatmap.sample(age: s.heatmapScroll + columns - 1 - column) else { continue }
            for side in [sample.bids, sample.asks] {
                for level in side {
                    guard let r = row(level.price) else { continue }
                    let i = r * columns + column
                    out.quantity[i] += level.quantity
                    if out.quantity[i] > out.maximum { out.maximum = out.quantity[i] }
                }
            }
            out.bidRow[column] = row(sample.bestBid)
            out.askRow[column] = row(sample.bestAsk)
            for (mark, buy) in [(sample.buy, true), (sample.sell, false)] where !mark.isEmpty {
                guard let r = row(mark.price) else { continue }
                pending.append((column, r, mark.quantity, buy))
                if mark.quantity > largestMark { largestMark = mark.quantity }
            }
        }
        for p in pending {
            let fraction = largestMark.isZero ? 1 : p.quantity.doubleValue / largestMark.doubleValue
            out.marks.append((p.column, p.row, fraction > 2.0 / 3 ? 2 : fraction > 1.0 / 3 ? 1 : 0, p.buy))
        }
        return out
    }

    /// Without a grouping, the smallest step (1, 2, 5, 10, 25… ticks) that fits `low`…`high` in
    /// the rows, so the view is filled and nothing shown falls off it.
    static func autoStep(low: ExactDecimal?, high: ExactDecimal?, tick: ExactDecimal, rows: Int) -> ExactDecimal {
        guard let low, let high, let span = (high - low).divided(by: tick, scale: 0) else { return tick }
        let ticks = span.doubleValue
        for multiple in [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000] where ticks / Double(multiple) <= Double(rows - 1) {
            return tick * ExactDecimal(multiple)
        }
        return tick * ExactDecimal(10_000)
    }

    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid, glyphs: Glyphs, colors: Bool) {
        guard rect.width >= 16, rect.height >= 4 else { return }
        guard s.heatmap.count > 0 else {
            grid.put("waiting for the book…", x: rect.x, y: rect.y, style: CellStyle(.dim), maxWidth: rect.width)
            return
        }
        let timeRows = rect.height >= 8 ? 1 : 0
        let rows = rect.height - 1 - timeRows
        // The axis is sized on a first pass's labels, then the plot takes the rest.
        guard let probe = cells(s, columns: 1, rows: rows) else { return }
        let digits = max(s.priceDigits(s.symbol, probe.prices), Int((s.grouping ?? .zero).scale))
        let axis = (probe.prices.map { $0.formatted(fractionDigits: digits).count }.max() ?? 8) + 1
        let columns = rect.width - axis
        guard columns >= 4, let c = cells(s, columns: columns, rows: rows) else { return }
        for row in 0..<rows {
            for column in 0..<columns {
                let level = c.level(column, row)
                guard level > 0 else { continue }
                let glyph = colors ? glyphs.body : glyphs.shades[level - 1]
                grid[rect.x + column, rect.y + row] = Cell(character: glyph, style: CellStyle(PaletteColor.heatRamp[level - 1]))
            }
        }
        for column in 0..<columns {
            if let r = c.bidRow[column] { grid[rect.x + column, rect.y + r] = Cell(character: glyphs.horizontal, style: CellStyle(.up, bold: true)) }
            if let r = c.askRow[column] { grid[rect.x + column, rect.y + r] = Cell(character: glyphs.horizontal, style: CellStyle(.down, bold: true)) }
        }
        for mark in c.marks {
            grid[rect.x + mark.column, rect.y + mark.row] = Cell(character: glyphs.marks[mark.size],
                                                                 style: CellStyle(mark.buy ? .up : .down, bold: true))
        }
        // Price axis: every fourth row, the mid row and the ends.
        for row in 0..<rows where row % 4 == 0 || row == rows - 1 || row == rows / 2 {
            grid.put(Format.padLeft(c.prices[row].formatted(fractionDigits: digits), axis), x: rect.x + columns, y: rect.y + row,
                     style: CellStyle(row == rows / 2 ? .yellow : .dim, bold: row == rows / 2))
        }
        if timeRows > 0 { timeAxis(s, columns: columns, x: rect.x, y: rect.y + rows, into: &grid) }
        legend(s, c, in: Rect(x: rect.x, y: rect.y + rect.height - 1, width: rect.width, height: 1), into: &grid, glyphs: glyphs,
               colors: colors)
    }

    /// Sample times under the columns (`HH:MM:SS`), one every 12 columns or so, never overlapping.
    static func timeAxis(_ s: DashboardSnapshot, columns: Int, x: Int, y: Int, into grid: inout CellGrid) {
        var column = columns - 1
        var nextFree = x + columns
        while column >= 0 {
            if let sample = s.heatmap.sample(age: s.heatmapScroll + columns - 1 - column) {
                let label = Format.clock(sample.time)
                let start = x + column - label.count + 1
                if start >= x, start + label.count <= nextFree {
                    grid.put(label, x: start, y: y, style: CellStyle(.dim))
                    nextFree = start - 3
                }
            }
            column -= 14
        }
    }

    /// `0 ██████ 12.5  ─bid ─ask ●buy ●sell  LIVE`: the ramp from empty to the visible maximum, the
    /// lines and marks, and how far back the view is.
    static func legend(_ s: DashboardSnapshot, _ c: Cells, in rect: Rect, into grid: inout CellGrid, glyphs: Glyphs, colors: Bool) {
        var x = rect.x
        let end = rect.x + rect.width
        func put(_ text: String, _ style: CellStyle) { x += grid.put(text, x: x, y: rect.y, style: style, maxWidth: max(0, end - x)) }
        let digits = s.quantityDigits(s.symbol, [c.maximum])
        put("0 ", CellStyle(.dim))
        for (i, role) in PaletteColor.heatRamp.enumerated() where x < end {
            grid[x, rect.y] = Cell(character: colors ? glyphs.body : glyphs.shades[i], style: CellStyle(role))
            x += 1
        }
        put(" " + c.maximum.formatted(fractionDigits: digits) + "  ", CellStyle(.dim))
        if let change = sourceChange(s, columns: c.columns) { put(change + "  ", CellStyle(.yellow)) }
        if c.prices.count >= 2 { put("step \(c.prices[0] - c.prices[1])  ", CellStyle(.dim)) }
        put("\(glyphs.horizontal)bid ", CellStyle(.up, bold: true))
        put("\(glyphs.horizontal)ask ", CellStyle(.down, bold: true))
        put("\(glyphs.marks[2])buy ", CellStyle(.up, bold: true))
        put("\(glyphs.marks[2])sell ", CellStyle(.down, bold: true))
        if s.heatmapScroll > 0, let newest = s.heatmap.sample(age: 0), let shown = s.heatmap.sample(age: s.heatmapScroll) {
            put(" " + Format.countdown(newest.time - shown.time) + " back (End: now)", CellStyle(.yellow, bold: true))
        } else {
            put(" now", CellStyle(.dim))
        }
    }
}
