import AsterKit

/// The help overlay: every key binding.
enum HelpOverlay {
    static func render(_ rows: [(keys: String, what: String)], width: Int, height: Int, into grid: inout CellGrid,
                       glyphs: Glyphs) {
        let w = min(width - 2, 88)
        let h = min(height - 2, rows.count + 4)
        guard w > 10, h > 3 else { return }
        let rect = Rect(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
        grid.fill(rect)
        let inner = DashboardRenderer(glyphs: glyphs).box(rect, title: "Keys", focused: true, into: &grid)
        for (i, row) in rows.prefix(inner.height - 1).enumerated() {
            grid.put(Format.padRight(row.keys, 20), x: inner.x + 1, y: inner.y + i, style: CellStyle(.yellow, bold: true),
                     maxWidth: 20)
            grid.put(row.what, x: inner.x + 22, y: inner.y + i, maxWidth: inner.width - 22)
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

/// The alert overlay: the rules (↑↓ select, e edit, d delete) and the log of fired alerts.
enum AlertsOverlay {
    static func render(_ s: DashboardSnapshot, keys: KeyMap, width: Int, height: Int, into grid: inout CellGrid, glyphs: Glyphs) {
        let w = min(width - 2, 84)
        let h = min(height - 2, max(10, s.alertRules.count + min(s.alertLog.count, 12) + 6))
        guard w > 20, h > 5 else { return }
        let rect = Rect(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
        grid.fill(rect)
        let inner = DashboardRenderer(glyphs: glyphs).box(rect, title: "Alerts", focused: true, into: &grid)
        var y = inner.y
        let bottom = inner.y + inner.height - 1
        func line(_ text: String, _ style: CellStyle) {
            guard y < bottom else { return }
            grid.put(text, x: inner.x + 1, y: y, style: style, maxWidth: inner.width - 1)
            y += 1
        }
        line("Rules", CellStyle(.yellow, bold: true))
        if s.alertRules.isEmpty { line("none: press \(keys.hint(.addAlert) ?? "a") on a symbol, or add [[alerts.rule]] to the config", CellStyle(.dim)) }
        for (i, rule) in s.alertRules.enumerated() {
            let selected = i == s.alertCursor
            line("\(i + 1). \(rule)", CellStyle(.normal, bold: selected, reverse: selected))
        }
        y += 1
        line("Fired (newest first)", CellStyle(.yellow, bold: true))
        if s.alertLog.isEmpty { line("nothing yet", CellStyle(.dim)) }
        for event in s.alertLog {
            line(Format.clock(event.at) + "  " + event.message, CellStyle(.normal))
        }
        let hints = [(Command.addAlert, "add"), (.editAlert, "edit"), (.deleteAlert, "delete"), (.close, "close")]
            .compactMap { c, what in keys.hint(c).map { "\($0) \(what)" } }.joined(separator: "  ")
        grid.put("↑↓ select  " + hints, x: inner.x + 1, y: bottom, style: CellStyle(.dim), maxWidth: inner.width - 1)
    }
}

/// The new-alert prompt on the bottom line.
enum AlertPromptLine {
    static func render(_ s: DashboardSnapshot, width: Int, height: Int, into grid: inout CellGrid) {
        let y = height - 1
        let style = CellStyle(.white, bold: true, reverse: true)
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), with: Cell(character: " ", style: CellStyle(.white, reverse: true)))
        let text = "alert \(s.symbol): " + (s.alertInput ?? "") + "_   >PRICE  <PRICE  N%  N%/MIN  (Enter sets, Esc cancels)"
        grid.put(text, x: 0, y: y, style: style, maxWidth: width)
    }
}
