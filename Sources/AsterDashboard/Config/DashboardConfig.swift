import AsterKit

/// The layout modes the config file and `--layout` name.
public enum LayoutChoice: String, Sendable, Hashable, CaseIterable {
    case full, compact
}

/// How many colours to assume: what the terminal says, or 256 or 16 regardless.
public enum ColorDepth: String, Sendable, Hashable, CaseIterable {
    case auto
    case c256 = "256"
    case c16 = "16"
}

/// Everything a user can set for the dashboard: a value, read from the config file
/// (``DashboardConfig/parse(_:file:)``), overridden by flags, then handed to the app and renderer.
///
/// ```swift
/// var config = try ConfigFile.load(path: ConfigFile.defaultPath())
/// config.symbol = "ETHUSDT"      // a flag wins over the file
/// let theme = config.theme
/// ```
public struct DashboardConfig: Sendable, Hashable {
    /// The symbol focused at start.
    public var symbol = "BTCUSDT"
    /// Watchlist symbols; empty: every symbol.
    public var watchlist: [String] = []
    /// Named watchlist groups (`w` cycles them).
    public var groups: [WatchGroup] = []
    /// Log file; `nil`: no log.
    public var logFile: String?
    /// full or compact.
    public var layout: LayoutChoice = .full
    /// Single-pane mode; `nil`: every pane of ``layout``.
    public var pane: Pane?
    /// Redraw interval, 10...5000 ms.
    public var refreshMs = 100
    /// ASCII borders and bars.
    public var ascii = false
    /// The first chart interval.
    public var interval: KlineInterval = .oneMinute
    /// Candles or line.
    public var chartStyle: ChartStyle = .candles
    /// The theme.
    public var themeName: ThemeName = .dark
    /// How many colours to assume.
    public var colorDepth: ColorDepth = .auto
    /// Up blue, down orange (unless ``up``/``down`` say otherwise).
    public var colorBlind = false
    /// Rising prices' colour; `nil`: the theme's (or the colour-blind preset's).
    public var up: TerminalColor?
    /// Falling prices' colour; `nil`: the theme's (or the colour-blind preset's).
    public var down: TerminalColor?
    /// Key bindings.
    public var keys = KeyMap.standard
    /// Alerts and how they are delivered.
    public var alerts = AlertSettings()
    /// `[trading] enabled`: order entry against a live exchange (always on with `--demo`).
    public var tradingEnabled = false
    /// When a trade counts as large (`[tape]`): per-symbol sizes, else a multiple of the median.
    public var largeTrades = LargeTradeRule()

    /// The defaults.
    public init() {}

    /// The theme with the up/down colours applied.
    public var theme: Theme {
        Theme(themeName, up: up ?? (colorBlind ? Theme.colorBlindUp : nil),
              down: down ?? (colorBlind ? Theme.colorBlindDown : nil), colorBlind: colorBlind)
    }

    /// The layout to draw.
    public var layoutMode: LayoutMode {
        if let pane { return .single(pane) }
        return layout == .compact ? .compact : .full
    }

    /// A pane by the name the config file and `--pane` use (`ticker` is the watchlist).
    public static func pane(named name: String) -> Pane? {
        name == "ticker" ? .watchlist : Pane(rawValue: name)
    }

    /// The names `--pane` and `layout.pane` accept.
    public static let paneNames = ["book", "trades", "chart", "heatmap", "ticker", "funding", "liquidations", "account"]
}
