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
        if s.trading { put("TRADING ", CellStyle(.red, bold: true, reverse: true)) }
        put(s.symbol + " ", CellStyle(.white, bold: true, reverse: true))
        if let replay = s.replay {
            for (text, color) in ReplayHeader.parts(replay) { put(text + " ", CellStyle(color, bold: true, reverse: true)) }
        } else {
            let (text, color) = connectionText(s)
            put("\(glyphs.dot) \(text) ", CellStyle(color, bold: true, reverse: true))
        }
        // A fired alert flashes here for 10 s (alternating colours every half second).
        if let alert = s.alertLog.first, s.now - alert.at < 10_000, s.now >= alert.at {
            let on = (s.now / 500) % 2 == 0
            put(" ALERT " + alert.message + " ", CellStyle(on ? .red : .yellow, bold: true, reverse: true))
        }
        for (what, reason) in s.restProblems.sorted(by: { $0.key < $1.key }) {
            put(" REST \(what) failing: \(Format.shortened(reason, 32)) ", CellStyle(.red, bold: true, reverse: true))
        }
        var parts = ["\(s.framesPerSecond) f/s"]
        if s.latencyUnknown {
            parts.append("lat ?")
        } else if let latency = s.latencyMs {
            parts.append("lat \(latency)ms")
        }
        parts.append("reconn \(s.reconnects)")
        if s.dropped > 0 { parts.append("dropped \(s.dropped)") }
        if s.decodeErrors > 0 { parts.append("bad \(s.decodeErrors)") }
        if s.paused { parts.append("PAUSED") }
        put(" " + parts.joined(separator: "  ") + " ", bar)
        let clock = " " + Format.clock(s.replay?.time ?? s.now) + " UTC "
        if rect.x + rect.width - clock.count > x {
            grid.put(clock, x: rect.x + rect.width - clock.count, y: rect.y, style: bar)
        }
    }

    /// The connection at a glance: LIVE with the last frame's age, STALE (age), RECONNECTING
    /// (attempt, next try in, last reason), OFFLINE (reason).
    static func connectionText(_ s: DashboardSnapshot) -> (String, PaletteColor) {
        let age = s.lastFrameAt.map { max(0, s.now - $0) }
        func seconds(_ ms: Int64) -> String { ms < 10_000 ? Format.fixed(Double(ms) / 1000, 1) + "s" : "\(ms / 1000)s" }
        switch s.connection {
        case .connected, .rolledOver, .subscribed, .keptAlive:
            guard let age else { return ("CONNECTED, no data yet", .yellow) }
            return age < 5_000 ? ("LIVE \(seconds(age))", .green) : ("STALE \(seconds(age))", .yellow)
        case .connecting: return ("CONNECTING", .yellow)
        case .authenticating: return ("AUTHENTICATING", .yellow)
        case .stale: return ("STALE" + (age.map { " " + seconds($0) } ?? ""), .yellow)
        case .reconnecting(let attempt, let delay):
            let next = max(0, s.connectionSince + Int64(delay.components.seconds * 1000) + delay.components.attoseconds / 1_000_000_000_000_000 - s.now)
            return ("RECONNECTING #\(attempt) in \(seconds(next))" + (s.lastDisconnect.map { ": " + Format.shortened($0, 32) } ?? ""), .red)
        case .disconnected(let reason): return ("OFFLINE: " + Format.shortened(reason, 48), .red)
        case .stopped: return ("OFFLINE: stopped", .red)
        case .listenKeyInvalid: return ("RENEWING LISTEN KEY", .yellow)
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
            (.heatmap, "heatmap"), (.grid, "grid"),
        ]
        let rest = items.compactMap { command, what in keys.hint(command).map { "\($0) \(what)" } }
        return [move.isEmpty ? nil : move + " symbol"].compactMap { $0 } + rest
    }
}
