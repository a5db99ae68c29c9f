import AsterKit

/// A replay in the status bar (`2026-12-03 14:05:30 UTC ×4 PAUSED 12:30/60:00`) and its seek prompt.
enum ReplayHeader {
    /// The status bar's replay parts, in order, with their colours.
    static func parts(_ r: ReplayStatus) -> [(String, PaletteColor)] {
        var out: [(String, PaletteColor)] = [(dateTime(r.time) + " UTC", .white), (speed(r.speed), .cyan)]
        if r.paused { out.append(("PAUSED", .yellow)) }
        if r.seeking { out.append(("SEEKING", .yellow)) }
        if let start = r.start, let end = r.end {
            out.append((Format.countdown(max(0, min(r.time, end) - start)) + " / " + Format.countdown(end - start), .white))
        }
        if r.finished { out.append(("END", .magenta)) }
        if let problem = r.problem { out.append(("! " + Format.shortened(problem, 40), .red)) }
        return out
    }

    /// `×0.25`, `×1`, `×64`.
    static func speed(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e9 { return "×\(Int(x))" }
        var text = Format.fixed(x, 3)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return "×" + text
    }

    /// `YYYY-MM-DD HH:MM:SS` (UTC) of a time in ms.
    static func dateTime(_ ms: Int64) -> String {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d)) " + Format.clock(ms - days * 86_400_000)
    }

    /// The seek prompt on the bottom line.
    static func renderPrompt(_ s: DashboardSnapshot, width: Int, height: Int, into grid: inout CellGrid) {
        let y = height - 1
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), with: Cell(character: " ", style: CellStyle(.white, reverse: true)))
        let text = "go to: " + (s.replayInput ?? "") + "_   HH:MM[:SS]  YYYY-MM-DD HH:MM[:SS]  ±N s/m/h  (Enter goes, Esc cancels)"
        grid.put(text, x: 0, y: y, style: CellStyle(.white, bold: true, reverse: true), maxWidth: width)
    }
}
