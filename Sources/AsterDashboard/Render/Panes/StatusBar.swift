import AsterKit

/// The status bar and the key-hint footer.
enum StatusBar {
    static func render(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid, glyphs: Glyphs) {
        grid.fill(rect, with: Cell(character: " ", style: CellStyle(.white, reverse: true)))
        var x = rect.x
        func put(_ text: String, _ style: CellStyle) {
            x += grid.put(text, x: x, y: rect.y, style: style, maxWidth: rect.x + rect.width - x)
        }
        let bar = CellStyle(.white, reverse: true)
        put(" ASTER ", CellStyle(.yellow, bold: true, reverse: true))
        put(s.mode.rawValue.uppercased() + " ", CellStyle(s.mode == .live ? .green : .magenta, bold: true, reverse: true))
        put(s.symbol + " ", CellStyle(.white, bold: true, reverse: true))
        let (text, color): (String, PaletteColor) = switch s.connection {
        case .connected, .rolledOver: ("connected", .green)
        case .subscribed(let n): ("connected · \(n) streams", .green)
        case .connecting: ("connecting", .yellow)
        case .stale: ("stale", .yellow)
        case .reconnecting(let attempt, let delay): ("reconnecting #\(attempt) in \(delay.milliseconds)ms", .red)
        case .disconnected(let reason): ("disconnected: \(reason)", .red)
        case .stopped: ("stopped", .red)
        case .authenticating: ("authenticating", .yellow)
        case .keptAlive: ("connected", .green)
        case .listenKeyInvalid: ("renewing listen key", .yellow)
        }
        put("\(glyphs.dot) \(text) ", CellStyle(color, bold: true, reverse: true))
        // A fired alert flashes here for 10 s (alternating colours every half second).
        if let alert = s.alertLog.first, s.now - alert.at < 10_000, s.now >= alert.at {
            let on = (s.now / 500) % 2 == 0
            put(" ALERT " + alert.message + " ", CellStyle(on ? .red : .yellow, bold: true, reverse: true))
        }
        var parts = ["\(s.framesPerSecond) f/s"]
        if let latency = s.latencyMs { parts.append("lat \(latency)ms") }
        parts.append("reconn \(s.reconnects)")
        if s.dropped > 0 { parts.append("dropped \(s.dropped)") }
        if s.decodeErrors > 0 { parts.append("bad \(s.decodeErrors)") }
        if s.paused { parts.append("PAUSED") }
        put(" " + parts.joined(separator: "  ") + " ", bar)
        let clock = " " + Format.clock(s.now) + " UTC "
        if rect.x + rect.width - clock.count > x {
            grid.put(clock, x: rect.x + rect.width - clock.count, y: rect.y, style: bar)
        }
    }

    static func renderFooter(_ s: DashboardSnapshot, in rect: Rect, into grid: inout CellGrid, keys: KeyMap) {
        let hints = s.message ?? Format.fitted(footerHints(keys), rect.width - 1, separator: "  ")
        grid.put(hints, x: rect.x + 1, y: rect.y, style: CellStyle(s.message == nil ? .dim : .yellow), maxWidth: rect.width - 1)
    }
}

extension StatusBar {
    /// The footer's key hints, from the bindings in use.
    static func footerHints(_ keys: KeyMap) -> [String] {
        let arrows = ["Up": "↑", "Down": "↓"]
        let move = [Command.up, .down].compactMap { keys.hint($0).map { arrows[$0] ?? $0 } }.joined()
        let items: [(Command, String)] = [
            (.search, "search"), (.nextPane, "pane"), (.interval, "interval"), (.chartStyle, "chart"),
            (.moreDepth, "depth"), (.sort, "sort"), (.group, "group"), (.pause, "pause"), (.help, "help"), (.quit, "quit"),
        ]
        let rest = items.compactMap { command, what in keys.hint(command).map { "\($0) \(what)" } }
        return [move.isEmpty ? nil : move + " symbol"].compactMap { $0 } + rest
    }
}
