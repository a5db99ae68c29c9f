import AsterKit
import Foundation

/// Order book: asks above, bids below, with cumulative depth bars, spread, mid and imbalance.
/// Prices and sizes are shown at the symbol's tick and step precision, right-aligned so the
/// decimal points line up; a narrow pane drops the bar, then the cumulative column, never a digit.
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
        // Rows top to bottom: asks (highest first), then bids; the mid line sits between.
        let levels = asks.reversed() + bids
        let cums = cumAsks.reversed() + cumBids
        let priceDigits = s.priceDigits(s.symbol, levels.map(\.price) + (s.grouping.map { [$0] } ?? []))
        let quantityDigits = s.quantityDigits(s.symbol, levels.map(\.quantity))
        let columns = [
            Column(header: "", cells: levels.map { $0.price.formatted(fractionDigits: priceDigits) }, alignment: .right, priority: 3),
            Column(header: "", cells: levels.map { $0.quantity.formatted(fractionDigits: quantityDigits) }, alignment: .right,
                   priority: 2),
            Column(header: "", cells: cums.map { $0.formatted(fractionDigits: quantityDigits) }, alignment: .right, priority: 1),
        ]
        // The bar takes what the numbers leave (at least 4 columns, or none).
        let numbers = Columns.fit(columns, width: rect.width)
        var packed: [(index: Int, x: Int, width: Int)] = []
        var x = 0
        for column in numbers {
            packed.append((column.index, x, column.width))
            x += column.width + 1
        }
        let compactWidth = max(0, x - 1)
        let barWidth = rect.width - compactWidth - 1 >= 4 ? rect.width - compactWidth - 1 : 0
        let layout = barWidth > 0 ? packed : numbers
        let mid = rect.y + (rect.height - 1) / 2
        let top = mid - asks.count
        for (i, level) in levels.enumerated() {
            let isAsk = i < asks.count
            let y = isAsk ? top + i : mid + 1 + (i - asks.count)
            guard y >= rect.y, y < rect.y + rect.height else { continue }
            let color: PaletteColor = isAsk ? .down : .up
            let selected = s.bookCursor.map { $0 < 0 ? isAsk && asks.count - 1 - i == -$0 - 1 : !isAsk && i - asks.count == $0 - 1 } ?? false
            if selected { grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(character: " ", style: CellStyle(reverse: true))) }
            for (index, cx, width) in layout {
                var style = index == 0 ? CellStyle(color, bold: true) : index == 2 ? CellStyle(.dim) : .plain
                style.reverse = selected
                grid.put(Format.padLeft(columns[index].cells[i], width), x: rect.x + cx, y: y, style: style)
            }
            if barWidth > 0 {
                let length = Int((cums[i].doubleValue / maxCum * Double(barWidth)).rounded())
                grid.put(String(repeating: glyphs.bar, count: max(0, min(barWidth, length))), x: rect.x + compactWidth + 1, y: y,
                         style: CellStyle(color))
            }
        }
        if let cursor = s.bookCursor, let line = cursorReadout(s, cursor: cursor, bids: bids, asks: asks, width: rect.width) {
            grid.put(line, x: rect.x, y: mid, style: CellStyle(.cyan, bold: true), maxWidth: rect.width)
        } else if let bid = s.bids.first?.price, let ask = s.asks.first?.price {
            let spread = (ask - bid).formatted(fractionDigits: s.priceDigits(s.symbol, [bid, ask]))
            let midPrice = ((bid + ask) * ExactDecimal(mantissa: 5, scale: 1))
            let bidQty = bids.reduce(ExactDecimal.zero) { $0 + $1.quantity }.doubleValue
            let askQty = asks.reduce(ExactDecimal.zero) { $0 + $1.quantity }.doubleValue
            let imbalance = bidQty + askQty > 0 ? (bidQty - askQty) / (bidQty + askQty) * 100 : 0
            // Whole parts only: what does not fit is left out, not cut.
            let parts = ["spread \(spread)", "mid \(midPrice)", "imb \(imbalance >= 0 ? "+" : "")\(Format.fixed(imbalance, 0))%"]
            var text = ""
            for part in parts where text.count + (text.isEmpty ? 0 : 1) + part.count <= rect.width {
                text += (text.isEmpty ? "" : " ") + part
            }
            grid.put(text, x: rect.x, y: mid, style: CellStyle(.yellow, bold: true), maxWidth: rect.width)
        }
    }

    /// From the top of the book to the cursor's level: cumulative size and notional, and the
    /// level's distance from the mid in ticks and percent.
    static func cursorReadout(_ s: DashboardSnapshot, cursor: Int, bids: [PriceLevel], asks: [PriceLevel], width: Int) -> String? {
        guard let bid = s.bids.first?.price, let ask = s.asks.first?.price else { return nil }
        let side = cursor < 0 ? asks : bids
        let depth = min(abs(cursor), side.count)
        guard depth > 0 else { return nil }
        let levels = side.prefix(depth)
        guard let price = levels.last?.price else { return nil }
        let size = levels.reduce(ExactDecimal.zero) { $0 + $1.quantity }
        let notional = levels.reduce(ExactDecimal.zero) { $0 + $1.price * $1.quantity }
        let mid = (bid + ask) * ExactDecimal(mantissa: 5, scale: 1)
        let distance = (price - mid).magnitude
        let tickDigits = s.precisions[s.symbol]?.price ?? s.priceDigits(s.symbol, s.bids.map(\.price) + s.asks.map(\.price))
        let ticks = distance.doubleValue * pow(10, Double(tickDigits))
        let percent = mid.isZero ? 0 : distance.doubleValue / mid.doubleValue * 100
        let parts = ["\(cursor < 0 ? "ask" : "bid") \(depth)", "cum \(size.formatted(fractionDigits: s.quantityDigits(s.symbol, Array(levels.map(\.quantity)))))",
                     "\(Format.compact(notional)) USDT", "\(Format.fixed(ticks, ticks < 10 ? 1 : 0)) ticks", "\(Format.fixed(percent, 3))%"]
        return Format.fitted(parts, width)
    }

    private static func cumulative(_ levels: [PriceLevel]) -> [ExactDecimal] {
        var total = ExactDecimal.zero
        return levels.map { total += $0.quantity; return total }
    }
}
