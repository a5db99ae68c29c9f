import AsterKit

/// The grid view (`m`): every watchlist symbol (or the current group) as a tile with its last
/// price, 24 h change, funding rate and a sparkline of the last hour; the selected tile has a
/// bright border, and a tile flashes (coloured border and a label) after a large trade or a liquidation.
enum GridView {
    static func render(_ s: DashboardSnapshot, width: Int, height: Int, into grid: inout CellGrid, glyphs: Glyphs) {
        guard let layout = GridLayout.make(count: s.tiles.count, width: width, height: height) else { return }
        guard !s.tiles.isEmpty else {
            grid.put("waiting for tickers…", x: 1, y: 1, style: CellStyle(.dim), maxWidth: width - 1)
            return
        }
        let cursor = min(s.gridCursor, s.tiles.count - 1)
        let start = layout.pageStart(cursor: cursor)
        for index in start..<min(s.tiles.count, start + layout.perPage) {
            tile(s.tiles[index], s, in: layout.rect(index, pageStart: start), selected: index == cursor, into: &grid, glyphs: glyphs)
        }
    }

    /// The footer's line in the grid: the page, and what the keys do.
    static func footer(_ s: DashboardSnapshot, width: Int, height: Int, keys: KeyMap) -> String {
        guard let layout = GridLayout.make(count: s.tiles.count, width: width, height: height) else { return "" }
        let pages = max(1, (s.tiles.count + layout.perPage - 1) / layout.perPage)
        let page = layout.pageStart(cursor: s.gridCursor) / layout.perPage + 1
        var parts = ["\(s.tiles.count) symbols" + (pages > 1 ? ", page \(page)/\(pages)" : "")]
        parts.append("←↑↓→ select")
        if let open = keys.hint(.open) { parts.append("\(open) focus") }
        if let grid = keys.hint(.grid) { parts.append("\(grid) back") }
        if let group = keys.hint(.group) { parts.append("\(group) group") }
        return Format.fitted(parts, width - 1, separator: "  ")
    }

    static func tile(_ t: GridTile, _ s: DashboardSnapshot, in rect: Rect, selected: Bool, into grid: inout CellGrid, glyphs: Glyphs) {
        let flash: (PaletteColor, String)? = switch t.flash {
        case .largeBuy: (.up, "LARGE BUY")
        case .largeSell: (.down, "LARGE SELL")
        case .liquidation: (.yellow, "LIQUIDATION")
        case nil: nil
        }
        let renderer = DashboardRenderer(glyphs: glyphs)
        let inner = renderer.box(rect, title: t.symbol, focused: selected, into: &grid)
        if let (color, label) = flash {
            // The border takes the flash colour; the label sits on the bottom edge.
            for x in rect.x..<(rect.x + rect.width) {
                for y in [rect.y, rect.y + rect.height - 1] where grid[x, y].character != " " && !(y == rect.y && x >= rect.x + 2 && x < rect.x + 4 + t.symbol.count) {
                    grid[x, y].style = CellStyle(color, bold: true)
                }
            }
            grid.put(" \(label) ", x: rect.x + 2, y: rect.y + rect.height - 1, style: CellStyle(color, bold: true, reverse: true),
                     maxWidth: rect.width - 4)
        }
        guard inner.width >= 8, inner.height >= 2 else { return }
        let price = t.last.formatted(fractionDigits: s.priceDigits(t.symbol, [t.last]))
        let up = !t.changePercent.isNegative
        grid.put(Format.padLeft(price, inner.width), x: inner.x, y: inner.y, style: CellStyle(.normal, bold: true), maxWidth: inner.width)
        let change = (up ? "+" : "") + t.changePercent.formatted(fractionDigits: 2) + "%"
        let funding = t.funding.map { "f " + ($0 * 100).formatted(fractionDigits: 4) + "%" } ?? ""
        grid.put(change, x: inner.x, y: inner.y + 1, style: CellStyle(up ? .up : .down, bold: true), maxWidth: inner.width)
        if !funding.isEmpty, change.count + 1 + funding.count <= inner.width {
            grid.put(funding, x: inner.x + inner.width - funding.count, y: inner.y + 1,
                     style: CellStyle(t.funding?.isNegative == true ? .down : .dim))
        }
        let sparkRows = inner.height - 2
        if sparkRows > 0 {
            sparkline(t.spark, in: Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: sparkRows), into: &grid, glyphs: glyphs)
        }
    }

    /// The last hour's prices as columns of eighths, lowest to highest, newest on the right: with
    /// more points than columns each column shows the last point of its share of the hour.
    static func sparkline(_ points: [ExactDecimal], in rect: Rect, into grid: inout CellGrid, glyphs: Glyphs) {
        guard !points.isEmpty, rect.width > 0, rect.height > 0 else { return }
        let shown: [ExactDecimal]
        if points.count <= rect.width {
            shown = points
        } else {
            shown = (0..<rect.width).map { points[($0 + 1) * points.count / rect.width - 1] }
        }
        guard let low = shown.min(), let high = shown.max(), let first = shown.first, let last = shown.last else { return }
        let span = (high - low).doubleValue
        let style = CellStyle(last >= first ? .up : .down)
        let x0 = rect.x + rect.width - shown.count
        for (i, p) in shown.enumerated() {
            let eighths = span > 0 ? max(1, Int(((p - low).doubleValue / span * Double(rect.height * 8)).rounded())) : rect.height * 4
            for r in 0..<rect.height {
                let filled = min(8, max(0, eighths - r * 8))
                guard filled > 0 else { break }
                grid[x0 + i, rect.y + rect.height - 1 - r] = Cell(character: glyphs.eighths[filled], style: style)
            }
        }
    }
}
