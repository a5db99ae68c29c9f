/// The replay seek prompt's language: where a typed text points on the replay clock (UTC).
///
/// - `14:05` or `14:05:30`: that time on the replay clock's day;
/// - `2026-12-03 14:05` or `2026-12-03T14:05:30`: that moment;
/// - `+90s`, `-5m`, `+1h`, `-30` (seconds): relative to the replay clock.
///
/// ```swift
/// ReplaySeekPrompt.target("-5m", clock: now)        // now - 300_000
/// ReplaySeekPrompt.target("14:05", clock: now)      // 14:05:00 UTC on now's day
/// ```
public enum ReplaySeekPrompt {
    /// The recorded time (ms since the epoch) `text` points to, or `nil` when it is not a time.
    public static func target(_ text: String, clock: Int64) -> Int64? {
        let t = text.split(separator: " ").joined(separator: " ")
        guard let first = t.first else { return nil }
        if first == "+" || first == "-" { return relative(t, clock: clock) }
        let parts = t.split(whereSeparator: { $0 == " " || $0 == "T" })
        switch parts.count {
        case 1:
            guard let ms = timeOfDay(parts[0]) else { return nil }
            let dayStart = clock - ((clock % 86_400_000) + 86_400_000) % 86_400_000
            return dayStart + ms
        case 2:
            guard let day = date(parts[0]), let ms = timeOfDay(parts[1]) else { return nil }
            return day * 86_400_000 + ms
        default: return nil
        }
    }

    private static func relative(_ t: String, clock: Int64) -> Int64? {
        let sign: Int64 = t.first == "-" ? -1 : 1
        var body = t.dropFirst()
        var unit: Int64 = 1_000
        if let last = body.last, !last.isNumber {
            switch last {
            case "s": unit = 1_000
            case "m": unit = 60_000
            case "h": unit = 3_600_000
            default: return nil
            }
            body = body.dropLast()
        }
        guard body.count <= 9, let n = Int64(body), n >= 0 else { return nil }
        let (target, overflow) = clock.addingReportingOverflow(sign * n * unit)
        return overflow ? nil : target
    }

    /// `HH:MM[:SS]` as ms into the day.
    private static func timeOfDay(_ s: Substring) -> Int64? {
        let fields = s.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count), fields.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) }),
              let h = Int64(fields[0]), let m = Int64(fields[1]) else { return nil }
        let sec = fields.count == 3 ? Int64(fields[2]) : 0
        guard let sec, (0..<24).contains(h), (0..<60).contains(m), (0..<60).contains(sec) else { return nil }
        return ((h * 60 + m) * 60 + sec) * 1_000
    }

    /// `YYYY-MM-DD` as days since 1970-01-01 (proleptic Gregorian).
    private static func date(_ s: Substring) -> Int64? {
        let f = s.split(separator: "-", omittingEmptySubsequences: false)
        guard f.count == 3, f[0].count == 4, f[1].count == 2, f[2].count == 2,
              let y = Int64(f[0]), let m = Int64(f[1]), let d = Int64(f[2]), (1...12).contains(m) else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[Int(m - 1)]).contains(d) else { return nil }
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
