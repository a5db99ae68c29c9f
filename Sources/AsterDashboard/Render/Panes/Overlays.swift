import AsterKit

/// The help overlay: every key binding.
enum HelpOverlay {
    static func render(width: Int, height: Int, into grid: inout CellGrid, glyphs: Glyphs) {
        let rows = KeyBindings.help
        let w = min(width - 2, 72)
        let h = min(height - 2, rows.count + 4)
        guard w > 10, h > 3 else { return }
        let rect = Rect(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
        grid.fill(rect)
        let inner = DashboardRenderer(glyphs: glyphs).box(rect, title: "Keys", focused: true, into: &grid)
        for (i, row) in rows.prefix(inner.height - 1).enumerated() {
            grid.put(Format.padRight(row.keys, 16), x: inner.x + 1, y: inner.y + i, style: CellStyle(.yellow, bold: true))
            grid.put(row.what, x: inner.x + 17, y: inner.y + i, maxWidth: inner.width - 17)
        }
        grid.put("press ? or Esc to close", x: inner.x + 1, y: inner.y + inner.height - 1, style: CellStyle(.dim),
                 maxWidth: inner.width - 1)
    }
}

/// The symbol search line: what was typed and the matching symbols.
enum SearchOverlay {
    static func render(_ s: DashboardSnapshot, width: Int, height: Int, into grid: inout CellGrid, glyphs: Glyphs) {
        let query = s.search ?? ""
        let matches = s.watchlist.map(\.symbol).filter { query.isEmpty || $0.contains(query) }.prefix(8)
        let y = height - 1
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), with: Cell(character: " ", style: CellStyle(.white, reverse: true)))
        grid.put("/" + query + "_  " + matches.joined(separator: " "), x: 0, y: y,
                 style: CellStyle(.white, bold: true, reverse: true), maxWidth: width)
    }
}
