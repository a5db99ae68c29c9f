import AsterKit

/// Where the data comes from, shown in the status bar.
public enum DashboardMode: String, Sendable, Hashable {
    case live, demo, replay
}

/// The dashboard's panes.
public enum Pane: String, Sendable, Hashable, CaseIterable {
    case watchlist, book, trades, chart, funding, liquidations, account
    /// The depth heatmap: in the chart's place (`H`) or alone (`--pane heatmap`).
    case heatmap
}

/// How the screen is divided.
public enum LayoutMode: Sendable, Hashable {
    /// Every pane (needs about 100x24).
    case full
    /// Watchlist, book and trades (for smaller terminals).
    case compact
    /// One pane filling the terminal, for a small tmux pane.
    case single(Pane)
}

/// Watchlist ordering.
public enum WatchlistSort: String, Sendable, Hashable, CaseIterable {
    case symbol, change, volume
}

/// How the chart draws prices.
public enum ChartStyle: String, Sendable, Hashable, CaseIterable {
    case candles, line
}

/// A named set of watchlist symbols (`[groups]` in the config file).
public struct WatchGroup: Sendable, Hashable {
    /// The name shown in the watchlist title.
    public var name: String
    /// Upper-case symbols.
    public var symbols: [String]

    /// Creates a group.
    public init(name: String, symbols: [String]) {
        self.name = name
        self.symbols = symbols.map { $0.uppercased() }
    }
}

/// One watchlist row.
public struct WatchRow: Sendable, Hashable {
    public var symbol: String
    public var last: ExactDecimal
    public var changePercent: ExactDecimal
    public var quoteVolume: ExactDecimal
}

/// The account as the account pane shows it.
public struct AccountView: Sendable, Hashable {
    /// The reconciled account once the first snapshot arrived.
    public var state: AccountState?
    /// The user stream's state, in words.
    public var status: String = "connecting to the user data stream…"
    /// When the last margin call arrived (local ms), for the alert.
    public var marginCallAt: Int64?

    public init() {}
}

/// An immutable picture of everything the dashboard shows, taken on every refresh.
public struct DashboardSnapshot: Sendable {
    public var mode: DashboardMode = .live
    public var connection: ConnectionState = .connecting
    public var framesPerSecond: Int = 0
    public var latencyMs: Int64?
    /// `true` when the last event's time was more than ``DashboardModel/plausibleClockSkewMs`` away
    /// from this machine's clock: the latency cannot be measured and is shown as unknown.
    public var latencyUnknown = false
    public var reconnects: Int = 0
    public var dropped: Int = 0
    public var decodeErrors: Int = 0
    public var now: Int64 = 0
    public var watchlist: [WatchRow] = []
    public var sort: WatchlistSort = .symbol
    public var focusIndex: Int = 0
    public var symbol: String = "BTCUSDT"
    public var bids: [PriceLevel] = []
    public var asks: [PriceLevel] = []
    public var bookDepth: Int = 20
    public var grouping: ExactDecimal?
    public var trades: [AggregateTrade] = []
    public var largeTrade: ExactDecimal?
    public var klines: [Candle] = []
    public var interval: KlineInterval = .oneMinute
    public var chartStyle: ChartStyle = .candles
    /// The watchlist group shown (`nil`: every symbol).
    public var group: String?
    public var mark: MarkPriceUpdate?
    public var liquidations: [Liquidation] = []
    public var account: AccountView?
    public var paneFocus: Pane = .watchlist
    public var paused = false
    public var showHelp = false
    public var search: String?
    public var message: String?
    /// The book cursor (book pane focused, ↑↓): levels from the spread, negative for asks
    /// (-1 the best ask), positive for bids (1 the best bid); `nil` when off.
    public var bookCursor: Int?
    /// When the last market frame arrived (local ms), for the status bar's age.
    public var lastFrameAt: Int64?
    /// When the connection state last changed (local ms), for the reconnect countdown.
    public var connectionSince: Int64 = 0
    /// Why the connection last dropped, shown while reconnecting.
    public var lastDisconnect: String?
    /// REST requests failing now (history, symbol info, account), with the reason; cleared on success.
    public var restProblems: [String: String] = [:]
    /// Alert rules in force.
    public var alertRules: [AlertRule] = []
    /// Alerts fired, newest first (bounded).
    public var alertLog: [AlertEvent] = []
    /// The alert overlay is open.
    public var showAlerts = false
    /// The selected rule in the alert overlay.
    public var alertCursor = 0
    /// The new-alert prompt's text while it is open.
    public var alertInput: String?
    /// Tick and step precision by symbol, from `exchangeInfo` (empty until it loads, or in a replay).
    public var precisions: [String: SymbolPrecision] = [:]

    /// The trade-flow window the trades pane shows (`v` cycles 1m, 5m, 15m, 1h).
    public var flowWindow: TradeFlow.Window = .fiveMinutes
    /// The focused symbol's trade flow over ``flowWindow``; `nil` before the first trade.
    public var flow: TradeFlow.Stats?
    /// Trading is on (`--demo`, `--trade` or the config): the header says TRADING.
    public var trading = false
    /// The order ticket while it is open.
    public var orderTicket: OrderTicket?
    /// An action waiting for Enter.
    public var confirmation: PendingConfirmation?
    /// The selected open order in the account pane (index in order-id order).
    public var orderCursor: Int?
    /// A replay's clock, speed and state (the header shows them); `nil` live.
    public var replay: ReplayStatus?
    /// The replay's seek prompt text while it is open.
    public var replayInput: String?

    /// The depth heatmap is shown in place of the chart (`H`; always with `--pane heatmap`).
    public var showHeatmap = false
    /// The heatmap's samples, oldest overwritten first.
    public var heatmap = HeatmapHistory(capacity: 1)
    /// The state of the focused symbol's synchronised local book the heatmap draws from once it is
    /// live; `nil` without one (a replay has no REST): the heatmap then draws the top 20 levels.
    public var localBook: BookState?
    /// How many samples before the newest the heatmap's right edge is (0: now, following).
    public var heatmapScroll = 0
    /// The grid of every watchlist symbol is open (`m`).
    public var showGrid = false
    /// The selected tile (index in ``tiles``).
    public var gridCursor = 0
    /// The grid's tiles, in watchlist order (filled only while the grid is open).
    public var tiles: [GridTile] = []
    /// The help overlay's page (↑↓ turn it when the keys take more than one screen).
    public var helpPage = 0

    public init() {}

    /// Whether keys type text (symbol search, the alert prompt, the order ticket, a confirmation)
    /// rather than act.
    public var typing: Bool { search != nil || alertInput != nil || orderTicket != nil || confirmation != nil || replayInput != nil }

    /// Fraction digits for `symbol`'s prices among `values`: the tick size's, or more when a
    /// value has more (a number is never rounded for display).
    public func priceDigits(_ symbol: String, _ values: [ExactDecimal]) -> Int {
        max(precisions[symbol]?.price ?? 0, values.reduce(0) { max($0, Int($1.scale)) })
    }

    /// Fraction digits for `symbol`'s quantities among `values` (the step size's, or more).
    public func quantityDigits(_ symbol: String, _ values: [ExactDecimal]) -> Int {
        max(precisions[symbol]?.quantity ?? 0, values.reduce(0) { max($0, Int($1.scale)) })
    }
}
