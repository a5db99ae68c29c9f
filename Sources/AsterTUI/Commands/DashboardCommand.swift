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
            Press ? in the dashboard for every key.
            """
    )

    @Flag(help: "Run against the embedded exchange simulator (no account or network needed).")
    var demo = false

    @Option(help: "Websocket base URL.")
    var url: String = AsterEndpoint.productionWebSocket

    @Option(name: .customLong("rest-url"), help: "REST base URL.")
    var restURL: String = AsterEndpoint.productionREST

    @Option(help: "Comma-separated symbols for the watchlist (default: every symbol).")
    var symbols: String?

    @Option(help: "Symbol focused at start.")
    var symbol = "BTCUSDT"

    @Option(help: "First chart interval (1m, 5m, 1h, …).")
    var interval = "1m"

    @Option(help: "Layout: full or compact.")
    var layout = "full"

    @Option(help: "Single-pane mode for a small tmux pane: book, trades, chart, ticker, funding, liquidations, account.")
    var pane: String?

    @Option(name: .customLong("refresh-ms"), help: "Redraw interval in milliseconds.")
    var refreshMs = 100

    @Flag(inversion: .prefixedNo, help: "Colours (--no-color for monochrome; NO_COLOR is respected too).")
    var color = true

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

    func validate() throws {
        guard (10...5_000).contains(refreshMs) else { throw ValidationError("--refresh-ms must be 10...5000.") }
        guard ["full", "compact"].contains(layout) else { throw ValidationError("--layout must be full or compact.") }
        if let pane, Self.pane(named: pane) == nil {
            throw ValidationError("--pane must be one of book, trades, chart, ticker, funding, liquidations, account.")
        }
        guard KlineInterval(validating: interval) != nil else {
            throw ValidationError("--interval must be one of \(KlineInterval.allCases.map(\.wireValue).joined(separator: ", ")).")
        }
        guard symbol.allSatisfy({ $0.isLetter || $0.isNumber }) else { throw ValidationError("--symbol must be letters and digits.") }
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

    static func pane(named name: String) -> Pane? {
        name == "ticker" ? .watchlist : Pane(rawValue: name)
    }

    func run() async throws {
        let options = DashboardOptions(
            demo: demo, url: url, symbols: symbols?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() },
            symbol: symbol.uppercased(), interval: KlineInterval(validating: interval)!,
            layout: pane.flatMap(Self.pane(named:)).map(LayoutMode.single) ?? (layout == "compact" ? .compact : .full),
            refresh: .milliseconds(refreshMs),
            color: color && !Self.noColorRequested(),
            ascii: ascii, logFile: logFile, restURL: restURL, seed: seed, replay: replay, speed: speed, record: record,
            credentials: demo ? .hmac(apiKey: SimAccount.demoAPIKey, secret: Secret(SimAccount.demoSecret))
                : replay == nil ? try liveCredentials() : nil)
        try await DashboardApp(options: options).run()
    }
}
