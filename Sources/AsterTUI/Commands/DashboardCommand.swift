import ArgumentParser
import AsterDashboard
import AsterKit
import AsterSim
import Foundation

/// `aster-tui` (the default command): the dashboard.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The Aster market dashboard (the default command).",
        discussion: """
            With --demo it starts the embedded exchange simulator on a loopback port and connects to
            it over real websockets; otherwise it connects to --url (Aster production by default).
            Press ? in the dashboard for every key (a: new alert, A: alert list, c: chart style,
            w: watchlist group).

            Settings (watchlist and groups, layout, chart, theme and colours, key bindings, alerts,
            log file) come from $XDG_CONFIG_HOME/aster-tui/config.toml (default
            ~/.config/aster-tui/config.toml) or --config FILE; flags override it. See
            `aster-tui config --print-default` for every setting, commented. A bad file is reported
            with its line and the command exits 64.

            The dashboard needs an interactive terminal: with output or input redirected, TERM=dumb
            or an unknown TERM it exits 64 with one line on standard error; for headless output use
            `aster-tui stream …`.
            """
    )

    @Flag(help: "Run against the embedded exchange simulator (no account or network needed).")
    var demo = false

    @Option(help: "Websocket base URL.")
    var url: String = AsterEndpoint.productionWebSocket

    @Option(name: .customLong("rest-url"), help: "REST base URL.")
    var restURL: String = AsterEndpoint.productionREST

    @Option(help: ArgumentHelp("Read settings from FILE (default: $XDG_CONFIG_HOME/aster-tui/config.toml, else ~/.config/aster-tui/config.toml; a missing default file is fine). Flags override it.", valueName: "FILE"))
    var config: String?

    @Option(help: "Comma-separated symbols for the watchlist (default: the config's watchlist, else every symbol).")
    var symbols: String?

    @Option(help: "Symbol focused at start (default: BTCUSDT).")
    var symbol: String?

    @Option(help: "First chart interval (1m, 5m, 1h, …; default 1m).")
    var interval: String?

    @Option(name: .customLong("chart-style"), help: "Chart style: candles or line (default candles; c toggles).")
    var chartStyle: String?

    @Option(help: "Layout: full or compact (default full).")
    var layout: String?

    @Option(help: "Single-pane mode for a small tmux pane: book, trades, chart, heatmap, ticker, funding, liquidations, account.")
    var pane: String?

    @Option(name: .customLong("refresh-ms"), help: "Redraw interval in milliseconds (10-5000; default 100).")
    var refreshMs: Int?

    @Option(help: "Theme: dark (default), light, high-contrast or monochrome.")
    var theme: String?

    @Flag(help: "Colour-blind preset: rising prices blue, falling orange.")
    var colorblind = false

    @Flag(inversion: .prefixedNo, help: "Colours (--no-color for monochrome; NO_COLOR is respected too).")
    var color: Bool?

    @Flag(help: "ASCII borders and bars (automatic when the locale is not UTF-8).")
    var ascii = false

    @Option(name: .customLong("log-file"), help: "Write logs to this file (nothing is printed while the screen is active).")
    var logFile: String?

    @Option(help: "Simulator seed with --demo.")
    var seed: UInt64 = 1

    @Option(help: "Replay recorded frames from FILE instead of connecting (see `aster-tui stream --record`).")
    var replay: String?

    @Option(help: "Replay speed (1 = real time).")
    var speed: Double = 1

    @Option(help: "Record every received raw frame to FILE.")
    var record: String?

    @Option(help: "Read credentials from FILE (NAME=value lines, mode 0600) instead of the environment (live mode).")
    var credentials: String?

    @Flag(help: "Allow order entry against the live exchange (always on with --demo; or [trading] enabled = true).")
    var trade = false

    func validate() throws {
        if let refreshMs, !(10...5_000).contains(refreshMs) { throw ValidationError("--refresh-ms must be 10...5000.") }
        if let layout, LayoutChoice(rawValue: layout) == nil { throw ValidationError("--layout must be full or compact.") }
        if let pane, DashboardConfig.pane(named: pane) == nil {
            throw ValidationError("--pane must be one of \(DashboardConfig.paneNames.joined(separator: ", ")).")
        }
        if let interval, KlineInterval(validating: interval) == nil {
            throw ValidationError("--interval must be one of \(KlineInterval.allCases.map(\.wireValue).joined(separator: ", ")).")
        }
        if let chartStyle, ChartStyle(rawValue: chartStyle) == nil { throw ValidationError("--chart-style must be candles or line.") }
        if let theme, ThemeName(rawValue: theme) == nil {
            throw ValidationError("--theme must be one of \(ThemeName.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if let symbol { guard symbol.allSatisfy({ $0.isLetter || $0.isNumber }) else { throw ValidationError("--symbol must be letters and digits.") } }
        guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else { throw ValidationError("--url must start with ws:// or wss://") }
        guard speed > 0 else { throw ValidationError("--speed must be positive.") }
        guard restURL.hasPrefix("http://") || restURL.hasPrefix("https://") else {
            throw ValidationError("--rest-url must start with http:// or https://")
        }
        if let replay, !FileManager.default.isReadableFile(atPath: replay) {
            throw ValidationError("cannot read --replay file \(replay)")
        }
        if replay != nil && (demo || record != nil) { throw ValidationError("--replay cannot be combined with --demo or --record.") }
        if !demo && replay == nil { _ = try liveCredentials() }
    }

    /// Live mode's credentials: `--credentials FILE`, else the environment, else none (no account pane).
    func liveCredentials() throws -> Credentials? {
        if credentials != nil { return try loadCredentials(file: credentials) }
        do { return try Credentials.fromEnvironment() } catch { throw ValidationError(error.description) }
    }

    /// `NO_COLOR` set to a non-empty value asks for monochrome (no-color.org).
    static func noColorRequested() -> Bool {
        guard let value = ProcessInfo.processInfo.environment["NO_COLOR"] else { return false }
        return !value.isEmpty
    }

    /// The config file to read: `--config`, else the XDG default.
    var configPath: String { config ?? ConfigFile.defaultPath() }

    /// The config file with the flags given on top of it (flags win).
    func effectiveConfig() throws(ConfigError) -> DashboardConfig {
        var c = try ConfigFile.load(path: configPath, required: config != nil)
        if let symbols {
            c.watchlist = symbols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        }
        if let symbol { c.symbol = symbol.uppercased() }
        if let interval { c.interval = KlineInterval(validating: interval)! }
        if let chartStyle { c.chartStyle = ChartStyle(rawValue: chartStyle)! }
        if let layout {
            c.layout = LayoutChoice(rawValue: layout)!
            c.pane = nil
        }
        if let pane { c.pane = DashboardConfig.pane(named: pane) }
        if let refreshMs { c.refreshMs = refreshMs }
        if let theme { c.themeName = ThemeName(rawValue: theme)! }
        if colorblind { c.colorBlind = true }
        if ascii { c.ascii = true }
        if let logFile { c.logFile = logFile }
        return c
    }

    /// Checks the terminal before anything starts; one line on standard error and exit 64 when
    /// the dashboard cannot draw.
    static func requireTerminal() throws {
        let problem = TerminalRequirements.check(
            stdinIsTerminal: isatty(0) == 1, stdoutIsTerminal: isatty(1) == 1,
            term: ProcessInfo.processInfo.environment["TERM"], lookup: NcursesTerminal.terminfoStatus)
        if let problem {
            Console.err(TerminalRequirements.message(problem) + "\n")
            throw ExitCode(64)
        }
    }

    func run() async throws {
        let config: DashboardConfig
        do {
            config = try effectiveConfig()
        } catch {
            Console.err("aster-tui: bad config file: \(error)\n")
            throw ExitCode(64)
        }
        try Self.requireTerminal()
        let options = DashboardOptions(
            demo: demo, url: url, symbols: config.watchlist.isEmpty ? nil : config.watchlist,
            symbol: config.symbol, interval: config.interval, layout: config.layoutMode,
            refresh: .milliseconds(config.refreshMs),
            color: (color ?? (config.themeName != .monochrome)) && !Self.noColorRequested(),
            ascii: config.ascii, logFile: config.logFile, restURL: restURL, seed: seed, replay: replay, speed: speed, record: record,
            credentials: demo ? .hmac(apiKey: SimAccount.demoAPIKey, secret: Secret(SimAccount.demoSecret))
                : replay == nil ? try liveCredentials() : nil,
            config: config, configPath: configPath, trading: demo || trade || config.tradingEnabled)
        try await DashboardApp(options: options).run()
    }
}
