import AsterKit
import Foundation
import TOMLKit

extension DashboardConfig {
    /// Reads a config file's text: every table and key is checked, so a misspelt key or a bad
    /// value is an error naming its line, not something silently ignored.
    ///
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - file: the file's path, for messages.
    /// - Throws: ``ConfigError`` with the file, line and reason.
    ///
    /// ```swift
    /// let config = try DashboardConfig.parse("symbol = \"ETHUSDT\"\n[theme]\nname = \"light\"\n", file: "config.toml")
    /// ```
    public static func parse(_ text: String, file: String) throws(ConfigError) -> DashboardConfig {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, reason: error.description)
        } catch {
            throw ConfigError(file: file, line: 0, reason: "\(error)")
        }
        let reader = ConfigReader(file: file, locator: TOMLLineLocator(text))
        return try reader.read(root)
    }
}

/// Walks a parsed TOML table into a ``DashboardConfig``, checking every key and value.
struct ConfigReader {
    let file: String
    let locator: TOMLLineLocator

    func fail(_ path: [String], _ reason: String) -> ConfigError {
        ConfigError(file: file, line: locator.line(of: path), reason: reason)
    }

    /// The key's name as the user wrote it (`layout.pane`, `alerts.rule[2].kind`).
    func name(_ path: [String]) -> String {
        path.map { $0.replacingOccurrences(of: "#", with: "[").appending($0.contains("#") ? "]" : "") }
            .joined(separator: ".")
    }

    func checkKeys(_ table: TOMLTable, _ path: [String], allowed: [String]) throws(ConfigError) {
        for key in table.keys where !allowed.contains(key) {
            let place = path.isEmpty ? "at the top level" : "in [\(name(path))]"
            throw fail(path + [key], "unknown key \"\(key)\" \(place) (known: \(allowed.joined(separator: ", ")))")
        }
    }

    func table(_ t: TOMLTable, _ key: String, _ path: [String]) throws(ConfigError) -> TOMLTable? {
        guard let value = t[key] else { return nil }
        guard let table = value.table else { throw fail(path + [key], "\(name(path + [key])) must be a table") }
        return table
    }

    func string(_ t: TOMLTable, _ key: String, _ path: [String]) throws(ConfigError) -> String? {
        guard let value = t[key] else { return nil }
        guard let s = value.string else { throw fail(path + [key], "\(name(path + [key])) must be a string, not \(value.type)") }
        return s
    }

    func bool(_ t: TOMLTable, _ key: String, _ path: [String]) throws(ConfigError) -> Bool? {
        guard let value = t[key] else { return nil }
        guard let b = value.bool else { throw fail(path + [key], "\(name(path + [key])) must be true or false") }
        return b
    }

    func int(_ t: TOMLTable, _ key: String, _ path: [String], _ range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let value = t[key] else { return nil }
        guard let i = value.int, range.contains(i) else {
            throw fail(path + [key], "\(name(path + [key])) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }

    func strings(_ t: TOMLTable, _ key: String, _ path: [String]) throws(ConfigError) -> [String]? {
        guard let value = t[key] else { return nil }
        guard let array = value.array else { throw fail(path + [key], "\(name(path + [key])) must be a list of strings") }
        var out: [String] = []
        for element in array {
            guard let s = element.string else { throw fail(path + [key], "\(name(path + [key])) must be a list of strings") }
            out.append(s)
        }
        return out
    }

    func decimal(_ t: TOMLTable, _ key: String, _ path: [String]) throws(ConfigError) -> ExactDecimal? {
        guard let value = t[key] else { return nil }
        let text = value.string ?? value.int.map(String.init) ?? value.double.map { "\($0)" }
        guard let text, let d = ExactDecimal(text) else {
            throw fail(path + [key], "\(name(path + [key])) must be a number (\"97250.5\" or 97250.5)")
        }
        return d
    }

    func symbols(_ list: [String], _ path: [String]) throws(ConfigError) -> [String] {
        for s in list where s.isEmpty || !s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw fail(path, "\(name(path)): \"\(s)\" is not a symbol (letters and digits, e.g. BTCUSDT)")
        }
        return list.map { $0.uppercased() }
    }

    func oneOf<T>(_ text: String?, _ path: [String], _ parse: (String) -> T?, _ names: [String]) throws(ConfigError) -> T? {
        guard let text else { return nil }
        guard let value = parse(text) else {
            throw fail(path, "\(name(path)) must be one of \(names.joined(separator: ", ")), not \"\(text)\"")
        }
        return value
    }

    func read(_ root: TOMLTable) throws(ConfigError) -> DashboardConfig {
        var c = DashboardConfig()
        try checkKeys(root, [], allowed: ["symbol", "watchlist", "log_file", "groups", "layout", "chart", "theme", "keys", "alerts",
                                              "trading", "tape"])
        if let s = try string(root, "symbol", []) { c.symbol = try symbols([s], ["symbol"])[0] }
        if let list = try strings(root, "watchlist", []) { c.watchlist = try symbols(list, ["watchlist"]) }
        if let log = try string(root, "log_file", []) { c.logFile = log.isEmpty ? nil : log }
        if let groups = try table(root, "groups", []) {
            for key in groups.keys.sorted() {
                let list = try strings(groups, key, ["groups"]) ?? []
                c.groups.append(WatchGroup(name: key, symbols: try symbols(list, ["groups", key])))
            }
        }
        if let layout = try table(root, "layout", []) {
            let p = ["layout"]
            try checkKeys(layout, p, allowed: ["mode", "pane", "refresh_ms", "ascii"])
            c.layout = try oneOf(try string(layout, "mode", p), p + ["mode"], LayoutChoice.init(rawValue:),
                                 LayoutChoice.allCases.map(\.rawValue)) ?? c.layout
            if let pane = try string(layout, "pane", p), !pane.isEmpty {
                c.pane = try oneOf(pane, p + ["pane"], DashboardConfig.pane(named:), DashboardConfig.paneNames)
            }
            c.refreshMs = try int(layout, "refresh_ms", p, 10...5_000) ?? c.refreshMs
            c.ascii = try bool(layout, "ascii", p) ?? c.ascii
        }
        if let chart = try table(root, "chart", []) {
            let p = ["chart"]
            try checkKeys(chart, p, allowed: ["interval", "style"])
            c.interval = try oneOf(try string(chart, "interval", p), p + ["interval"], KlineInterval.init(validating:),
                                   KlineInterval.allCases.map(\.wireValue)) ?? c.interval
            c.chartStyle = try oneOf(try string(chart, "style", p), p + ["style"], ChartStyle.init(rawValue:),
                                     ChartStyle.allCases.map(\.rawValue)) ?? c.chartStyle
        }
        if let theme = try table(root, "theme", []) { try readTheme(theme, into: &c) }
        if let keys = try table(root, "keys", []) {
            var overrides: [String: [String]] = [:]
            for key in keys.keys { overrides[key] = try strings(keys, key, ["keys"]) }
            do {
                c.keys = try KeyMap(overrides: overrides)
            } catch {
                throw fail(["keys", error.command], error.reason)
            }
        }
        if let alerts = try table(root, "alerts", []) { c.alerts = try readAlerts(alerts) }
        if let tape = try table(root, "tape", []) { c.largeTrades = try readTape(tape) }
        if let trading = try table(root, "trading", []) {
            try checkKeys(trading, ["trading"], allowed: ["enabled"])
            c.tradingEnabled = try bool(trading, "enabled", ["trading"]) ?? false
        }
        return c
    }

    func readTheme(_ theme: TOMLTable, into c: inout DashboardConfig) throws(ConfigError) {
        let p = ["theme"]
        try checkKeys(theme, p, allowed: ["name", "colors", "preset", "up", "down"])
        c.themeName = try oneOf(try string(theme, "name", p), p + ["name"], ThemeName.init(rawValue:),
                                ThemeName.allCases.map(\.rawValue)) ?? c.themeName
        c.colorDepth = try oneOf(try string(theme, "colors", p), p + ["colors"], ColorDepth.init(rawValue:),
                                 ColorDepth.allCases.map(\.rawValue)) ?? c.colorDepth
        if let preset = try string(theme, "preset", p) {
            c.colorBlind = try oneOf(preset, p + ["preset"], { ["default": false, "colorblind": true][$0] },
                                     ["default", "colorblind"]) ?? false
        }
        let colorNames = "a colour name (\(TerminalColor.named.keys.sorted().joined(separator: ", "))) or 0-255"
        for key in ["up", "down"] {
            guard let text = try string(theme, key, p), !text.isEmpty else { continue }
            guard let color = TerminalColor(parsing: text) else {
                throw fail(p + [key], "theme.\(key) must be \(colorNames), not \"\(text)\"")
            }
            if key == "up" { c.up = color } else { c.down = color }
        }
    }

    /// `[tape]`: `large_multiple` (a trade this many times the median size is large) and
    /// `[tape.large_size]` (a symbol's own threshold, in contracts).
    func readTape(_ tape: TOMLTable) throws(ConfigError) -> LargeTradeRule {
        let p = ["tape"]
        try checkKeys(tape, p, allowed: ["large_multiple", "large_size"])
        var rule = LargeTradeRule()
        if let multiple = try decimal(tape, "large_multiple", p) {
            guard multiple > .zero else { throw fail(p + ["large_multiple"], "tape.large_multiple must be positive") }
            rule.multiple = multiple
        }
        if let sizes = try table(tape, "large_size", p) {
            for key in sizes.keys.sorted() {
                let symbol = try symbols([key], p + ["large_size", key])[0]
                guard let size = try decimal(sizes, key, p + ["large_size"]), size > .zero else {
                    throw fail(p + ["large_size", key], "tape.large_size.\(key) must be positive")
                }
                rule.sizes[symbol] = size
            }
        }
        return rule
    }

    func readAlerts(_ alerts: TOMLTable) throws(ConfigError) -> AlertSettings {
        let p = ["alerts"]
        try checkKeys(alerts, p, allowed: ["bell", "command", "rule"])
        var settings = AlertSettings()
        settings.bell = try bool(alerts, "bell", p) ?? true
        settings.command = try strings(alerts, "command", p) ?? []
        guard let rules = alerts["rule"] else { return settings }
        guard let array = rules.array else { throw fail(p + ["rule"], "alerts.rule must be a list of tables ([[alerts.rule]])") }
        for (i, element) in array.enumerated() {
            let path = ["alerts", "rule#\(i)"]
            guard let t = element.table else { throw fail(path, "\(name(path)) must be a table") }
            try checkKeys(t, path, allowed: ["kind", "symbol", "value", "minutes"])
            guard let kindText = try string(t, "kind", path),
                  let kind = try oneOf(kindText, path + ["kind"], AlertKind.init(rawValue:), AlertKind.allCases.map(\.rawValue))
            else { throw fail(path, "\(name(path)) needs a kind") }
            let symbol = try string(t, "symbol", path).map { s throws(ConfigError) in try symbols([s], path + ["symbol"])[0] }
            if kind.needsSymbol && symbol == nil { throw fail(path, "\(name(path)) (\(kind.rawValue)) needs a symbol") }
            guard let value = try decimal(t, "value", path) else { throw fail(path, "\(name(path)) needs a value") }
            if [.priceAbove, .priceBelow, .move, .liquidationAbove, .marginRatioAbove, .fundingAbove].contains(kind), value <= .zero {
                throw fail(path + ["value"], "\(name(path + ["value"])) must be positive")
            }
            let minutes = try int(t, "minutes", path, 1...1_440) ?? 5
            settings.rules.append(AlertRule(kind: kind, symbol: symbol, value: value, minutes: minutes))
        }
        return settings
    }
}
