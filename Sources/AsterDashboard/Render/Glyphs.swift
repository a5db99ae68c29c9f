import AsterKit

/// Box-drawing and bar characters, with an ASCII set for terminals without UTF-8.
public struct Glyphs: Sendable, Hashable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var bar: Character
    public var wick: Character
    public var body: Character
    public var dot: Character
    /// The chart's current-price line.
    public var priceLine: Character
    public var eighths: [Character]
    /// The heatmap's six shades, least to most (8-colour and monochrome terminals).
    public var shades: [Character] = ["░", "░", "▒", "▒", "▓", "█"]
    /// Trade marks by size: small, medium, large.
    public var marks: [Character] = ["·", "•", "●"]

    /// Unicode box drawing and block elements.
    public static let unicode = Glyphs(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
                                       bottomRight: "┘", bar: "█", wick: "│", body: "█", dot: "●", priceLine: "┈",
                                       eighths: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"])
    /// Plain ASCII.
    public static let ascii = Glyphs(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
                                     bottomRight: "+", bar: "#", wick: "|", body: "#", dot: "*", priceLine: "-",
                                     eighths: [" ", ".", ".", ":", ":", "|", "|", "#", "#"],
                                     shades: [".", ":", "+", "*", "#", "@"], marks: [".", "o", "O"])
}

/// Number formatting shared by the panes.
enum Format {
    /// Three significant digits and a unit, at most 6 characters: `1.23K`, `45.6M`, `789B`.
    static func compact(_ value: ExactDecimalLike) -> String {
        let v = value.double
        let a = abs(v)
        let (scaled, unit): (Double, String) =
            a >= 1e12 ? (v / 1e12, "T") : a >= 1e9 ? (v / 1e9, "B") : a >= 1e6 ? (v / 1e6, "M")
            : a >= 1e3 ? (v / 1e3, "K") : (v, "")
        let m = abs(scaled)
        return fixed(scaled, m >= 100 ? 0 : m >= 10 ? 1 : 2) + unit
    }

    static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return "?" }
        // Past 10^15 a Double has no fractional digits to show (and may not fit an Int64).
        guard abs(v) < 1e15 else { return compactHuge(v) }
        var p = 1.0
        for _ in 0..<max(0, digits) { p *= 10 }
        let r = (v * p).rounded() / p
        if digits <= 0 { return String(Int64(r)) }
        var s = String(r)
        if let dot = s.firstIndex(of: ".") {
            let have = s.distance(from: dot, to: s.endIndex) - 1
            if have < digits { s += String(repeating: "0", count: digits - have) }
        } else if digits > 0 {
            s += "." + String(repeating: "0", count: digits)
        }
        return s
    }

    /// A magnitude past 10^15 in scientific form (`1.2e+17`), never cut to a wrong integer.
    static func compactHuge(_ v: Double) -> String {
        var mantissa = v
        var exponent = 0
        while abs(mantissa) >= 10 {
            mantissa /= 10
            exponent += 1
        }
        return String((mantissa * 10).rounded() / 10) + "e+" + String(exponent)
    }

    /// `12:34:56` (UTC) from milliseconds.
    static func clock(_ ms: Int64) -> String {
        let s = (ms / 1000) % 86_400
        return two(s / 3600) + ":" + two(s / 60 % 60) + ":" + two(s % 60)
    }

    /// `7h 12m 03s`, `12m 03s` for countdowns.
    static func countdown(_ ms: Int64) -> String {
        let s = max(0, ms / 1000)
        if s >= 3600 { return "\(s / 3600)h \(two(s / 60 % 60))m \(two(s % 60))s" }
        return "\(s / 60)m \(two(s % 60))s"
    }

    /// `11-25` (UTC month and day) from milliseconds.
    static func monthDay(_ ms: Int64) -> String {
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let z = ms / 86_400_000 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return two(month) + "-" + two(day)
    }

    static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? String(s.suffix(width)) : String(repeating: " ", count: width - s.count) + s
    }

    /// The parts that fit whole, space-separated, in order (the first is kept, cut, only when alone too long).
    static func fitted(_ parts: [String], _ width: Int, separator: String = " ") -> String {
        var text = ""
        for part in parts where text.count + (text.isEmpty ? 0 : separator.count) + part.count <= width {
            text += (text.isEmpty ? "" : separator) + part
        }
        return text.isEmpty ? String((parts.first ?? "").prefix(width)) : text
    }

    /// Words (a reason, not a number) cut to `limit` characters with an ellipsis, so one long
    /// error leaves room for the rest of the status bar.
    static func shortened(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        s.count >= width ? String(s.prefix(width)) : s + String(repeating: " ", count: width - s.count)
    }
}

/// Anything the formatter can turn into a `Double` for display.
protocol ExactDecimalLike { var double: Double { get } }
extension ExactDecimal: ExactDecimalLike { var double: Double { doubleValue } }
