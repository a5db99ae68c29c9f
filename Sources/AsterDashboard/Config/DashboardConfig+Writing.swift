import AsterKit

extension DashboardConfig {
    /// The configuration as a commented TOML document: what `config --print` shows, what
    /// ``ConfigFile/save(_:to:)`` writes, and, for the defaults, `config --print-default`.
    /// Every key is written, with a comment saying what it takes; empty tables get examples.
    /// Parsing the text gives this value back.
    public var tomlText: String {
        var out: [String] = []
        func line(_ s: String = "") { out.append(s) }
        line("# aster-tui configuration. Command-line flags override these values.")
        line("# The file is TOML (https://toml.io); `aster-tui config --print-default` prints this commented default.")
        line()
        line("# Symbol focused at start.")
        line("symbol = \(Self.quote(symbol))")
        line("# Watchlist symbols; empty: every symbol the exchange lists.")
        line("watchlist = \(Self.list(watchlist))")
        line("# Write logs to this file; empty: no log.")
        line("log_file = \(Self.quote(logFile ?? ""))")
        line()
        line("# Named watchlist groups: `w` cycles every symbol, the watchlist, then each group.")
        line("[groups]")
        if groups.isEmpty { line("# majors = [\"BTCUSDT\", \"ETHUSDT\"]") }
        for group in groups { line("\(Self.key(group.name)) = \(Self.list(group.symbols))") }
        line()
        line("[layout]")
        line("# full (needs 100x28) or compact (60x16); a smaller terminal falls back to a smaller layout.")
        line("mode = \(Self.quote(layout.rawValue))")
        line("# One pane only, for a small tmux pane: \(Self.paneNames.joined(separator: ", ")); empty: every pane.")
        line("pane = \(Self.quote(pane.map { $0 == .watchlist ? "ticker" : $0.rawValue } ?? ""))")
        line("# Redraw interval in milliseconds (10-5000).")
        line("refresh_ms = \(refreshMs)")
        line("# ASCII borders and bars (automatic when the locale is not UTF-8).")
        line("ascii = \(ascii)")
        line()
        line("[chart]")
        line("# First interval: \(KlineInterval.allCases.map(\.wireValue).joined(separator: ", ")).")
        line("interval = \(Self.quote(interval.wireValue))")
        line("# candles or line (`c` toggles).")
        line("style = \(Self.quote(chartStyle.rawValue))")
        line()
        line("[theme]")
        line("# \(ThemeName.allCases.map(\.rawValue).joined(separator: ", ")). NO_COLOR or --no-color always mean monochrome.")
        line("name = \(Self.quote(themeName.rawValue))")
        line("# Colours to assume: auto (what the terminal says), 256 or 16.")
        line("colors = \(Self.quote(colorDepth.rawValue))")
        line("# default, or colorblind: rising prices blue, falling orange.")
        line("preset = \(Self.quote(colorBlind ? "colorblind" : "default"))")
        line("# Rising and falling prices' colours: a name (green, red, blue, orange, bright-green, …) or 0-255;")
        line("# empty: the theme's (or the preset's).")
        line("up = \(Self.quote(up?.name ?? ""))")
        line("down = \(Self.quote(down?.name ?? ""))")
        line()
        line("# Key bindings: a command and its keys, replacing the standard ones. Keys are a character")
        line("# or Up, Down, Left, Right, PgUp, PgDn, Home, End, Tab, Shift-Tab, Enter, Esc, Backspace, Space.")
        line("# Commands and their standard keys:")
        for command in Command.allCases {
            line("#   \(command.rawValue) = \(Self.list(command.standardKeys.map(KeyMap.name(of:))))")
        }
        line("[keys]")
        for (command, keys) in keys.overrides.sorted(by: { $0.key < $1.key }) {
            line("\(command) = \(Self.list(keys))")
        }
        line()
        line("[trading]")
        line("# Order entry (b, S; X, M, C in the account pane) against a live exchange. Always on with --demo.")
        line("enabled = \(tradingEnabled)")
        line()
        line("[tape]")
        line("# A trade at least this many times the median size of the symbol's recent trades is large:")
        line("# bold and starred in the tape, a flash on its grid tile.")
        line("large_multiple = \(Self.quote(largeTrades.multiple.description))")
        line()
        line("# A symbol's own large-trade size in contracts (wins over large_multiple).")
        line("[tape.large_size]")
        if largeTrades.sizes.isEmpty { line("# BTCUSDT = \"2.5\"") }
        for (symbol, size) in largeTrades.sizes.sorted(by: { $0.key < $1.key }) { line("\(Self.key(symbol)) = \(Self.quote(size.description))") }
        line()
        line("[alerts]")
        line("# Ring the terminal bell when an alert fires.")
        line("bell = \(alerts.bell)")
        line("# A program run when an alert fires, the message appended as its last argument; never run")
        line("# through a shell. Example: [\"notify-send\", \"aster-tui\"]. Empty: none.")
        line("command = \(Self.list(alerts.command))")
        line()
        line("# Alert rules. kind: \(AlertKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        line("# price-above/below: a price; move: a % either way within `minutes`; funding-above: a % away from zero;")
        line("# liquidation-above: a USDT notional (symbol optional); margin-ratio-above: a %; pnl-above/below: USDT.")
        if alerts.rules.isEmpty {
            line("# [[alerts.rule]]")
            line("# kind = \"price-above\"")
            line("# symbol = \"BTCUSDT\"")
            line("# value = \"100000\"")
        }
        for rule in alerts.rules {
            line("[[alerts.rule]]")
            line("kind = \(Self.quote(rule.kind.rawValue))")
            if let symbol = rule.symbol { line("symbol = \(Self.quote(symbol))") }
            line("value = \(Self.quote(rule.value.description))")
            if rule.kind == .move { line("minutes = \(rule.minutes)") }
            line()
        }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    /// A TOML basic string.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func list(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }

    /// A bare key when it can be one, else quoted.
    static func key(_ s: String) -> String {
        !s.isEmpty && s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) ? s : quote(s)
    }
}
