import AsterKit

/// The help overlay: every key binding, keys on the left and what they do on the right (long
/// descriptions wrap, never cut). As many columns as fit side by side (two from about 150
/// columns); what does not fit one screen goes on pages that ↑↓ turn.
enum HelpOverlay {
    /// One binding as drawn: its keys and its description's lines.
    struct Entry: Equatable {
        var keys: String
        var lines: [String]
    }

    /// Width of the keys column (`Shift-Tab / Tab`).
    static let keysWidth = 18
    /// The narrowest description column that keeps a second column.
    static let minimumText = 36

    /// The layout for `rows` in `width`x`height`: the columns per page, the description width and the pages
    /// (page → column → entries); `nil` when the terminal is too small for the overlay.
    static func pages(_ rows: [(keys: String, what: String)], width: Int, height: Int)
        -> (columns: Int, textWidth: Int, perColumn: Int, pages: [[[Entry]]])? {
        let inner = (width: min(width - 2, 180) - 2, height: height - 2 - 2 - 1)
        guard inner.width > keysWidth + 12, inner.height >= 2 else { return nil }
        let longest = rows.map(\.what.count).max() ?? 0
        let columns = inner.width >= 2 * (keysWidth + 1 + minimumText) + 3 ? 2 : 1
        let columnWidth = (inner.width - 3 * (columns - 1)) / columns
        let textWidth = min(longest, columnWidth - keysWidth - 2)
        let entries = rows.map { Entry(keys: $0.keys, lines: wrap($0.what, textWidth)) }
        var pages: [[[Entry]]] = [[[]]]
        var used = 0
        for entry in entries {
            let lines = min(entry.lines.count, inner.height)
            if used + lines > inner.height {
                if pages[pages.count - 1].count < columns { pages[pages.count - 1].append([]) } else { pages.append([[]]) }
                used = 0
            }
            pages[pages.count - 1][pages[pages.count - 1].count - 1].append(entry)
            used += lines
        }
        return (columns, textWidth, inner.height, pages)
    }

    /// Words wrapped to `width` (a word longer than the width is split).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 0 else { return [text] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            var word = word
            while word.count > width {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if line.isEmpty { line = word } else if line.count + 1 + word.count <= width { line += " " + word } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    static func render(_ rows: [(keys: String, what: String)], page: Int, width: Int, height: Int, into grid: inout CellGrid,
                       glyphs: Glyphs) {
        guard let layout = pages(rows, width: width, height: height) else { return }
        let count = layout.pages.count
        let shown = layout.pages[((page % count) + count) % count]
        let tallest = shown.map { $0.reduce(0) { $0 + $1.lines.count } }.max() ?? 0
        let columnWidth = keysWidth + 2 + layout.textWidth
        let w = min(width - 2, layout.columns * columnWidth + 3 * (layout.columns - 1) + 4)
        let h = min(height - 2, tallest + 3)
        let rect = Rect(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
        grid.fill(rect)
        let title = count > 1 ? "Keys \(((page % count) + count) % count + 1)/\(count)" : "Keys"
        let inner = DashboardRenderer(glyphs: glyphs).box(rect, title: title, focused: true, into: &grid)
        for (c, column) in shown.enumerated() {
            let x = inner.x + 1 + c * (columnWidth + 3)
            var y = inner.y
            for entry in column {
                grid.put(Format.padRight(entry.keys, keysWidth), x: x, y: y, style: CellStyle(.yellow, bold: true), maxWidth: keysWidth)
                for line in entry.lines where y < inner.y + inner.height - 1 {
                    grid.put(line, x: x + keysWidth + 1, y: y, maxWidth: inner.x + inner.width - x - keysWidth - 1)
                    y += 1
                }
            }
        }
        let hint = count > 1 ? "↓ next page  ↑ previous  ? or Esc to close" : "press ? or Esc to close"
        grid.put(hint, x: inner.x + 1, y: inner.y + inner.height - 1, style: CellStyle(.dim), maxWidth: inner.width - 1)
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
