import AsterKit
import DequeModule

/// What the app must do after an action: the model decides, the app performs.
public enum Effect: Sendable, Hashable {
    /// Swap the per-symbol streams on the live connection.
    case resubscribe(unsubscribe: [StreamName], subscribe: [StreamName])
    /// Fetch past klines of the chart's symbol and interval (REST) and pass them to
    /// ``DashboardModel/seedKlines(symbol:interval:_:)``.
    case loadHistory(symbol: String, interval: KlineInterval)
    /// Fetch every symbol's tick and step size (REST `exchangeInfo`) and pass them to
    /// ``DashboardModel/setSymbolInfo(_:)``.
    case loadSymbolInfo
    /// Save the watchlist to the config file (a symbol was added or removed in the UI).
    case saveWatchlist([String])
    /// Save the alert rules to the config file (they were added, edited or deleted in the UI).
    case saveAlerts([AlertRule])
    /// Place these orders (an order ticket's entry and its take-profit and stop-loss), in order.
    case placeOrders([NewOrder])
    /// Cancel this open order.
    case cancelOrder(symbol: String, orderId: Int64)
    /// Change this open LIMIT order's price and quantity.
    case modifyOrder(symbol: String, orderId: Int64, side: Side, quantity: ExactDecimal, price: ExactDecimal)
    /// Close the symbol's position(s) at market, reduce-only.
    case closePosition(symbol: String)
    /// Tell the replay to pause, step, change speed or seek (a replay only).
    case replay(ReplayCommand)
    /// Leave the dashboard.
    case quit
}

/// The dashboard's state: folds AsterKit events and user actions, hands out snapshots.
///
/// ```swift
/// let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
/// await model.apply(message.event, receivedAt: now)
/// let effects = await model.perform(.moveFocus(1))
/// let picture = await model.snapshot(now: now)
/// ```
public actor DashboardModel {
    var state = DashboardSnapshot()
    var tickers: [String: WatchRow] = [:]
    /// The watchlist groups `w` cycles through: `nil` (every symbol) first, then the watchlist and named groups.
    var groups: [WatchGroup?]
    var groupIndex = 0
    var allowedSymbols: Set<String>?
    private var frameSamples: [(time: Int64, frames: Int)] = []
    /// Alert rules and their state.
    var alerts = AlertEngine()
    /// The latest local receive time seen (ms), for alerts raised outside the event stream.
    var clock: Int64 = 0
    /// Alerts fired and not yet taken by the app (bell, notification command).
    var undelivered: [AlertEvent] = []
    /// The rule being edited in the prompt, if any.
    var editingAlert: Int?
    /// The open order selected in the account pane (by id: the rows move as orders come and go).
    var selectedOrderId: Int64?
    /// Every symbol's `exchangeInfo` rules, for the order ticket's checks.
    var symbolInfos: [String: SymbolInfo] = [:]
    /// The focused symbol's trade flow (VWAP, buy/sell volume, delta) over 1 m to 1 h.
    var flow = TradeFlow()
    /// The focused symbol's trades, oldest first, at most twice ``maxTrades``.
    var recentTrades: [AggregateTrade] = []
    /// The depth heatmap's ring of book samples (taken on the refresh tick by ``tick(now:)``).
    var heat = HeatmapHistory(capacity: DashboardModel.heatmapSamples, levelsPerSide: DashboardModel.heatmapDepth)
    /// Taker buys and sells of the focused symbol since the last heatmap sample.
    var pendingBuy = TradeMark.none
    var pendingSell = TradeMark.none
    /// When the next heatmap and sparkline samples are due (local ms).
    var nextHeatSample: Int64 = 0
    var nextSparkSample: Int64 = 0
    var nextThresholdUpdate: Int64 = 0
    /// Large-trade thresholds per symbol (the tape's highlight, the grid's flash).
    var large = LargeTrades(rule: LargeTradeRule())
    /// Every symbol's last prices, one per ``sparkIntervalMs``, for the grid's sparklines.
    var sparks: [String: Deque<ExactDecimal>] = [:]
    /// Every symbol's latest funding rate (all mark prices stream), for the grid.
    var fundingRates: [String: ExactDecimal] = [:]
    /// A tile's flash (a large trade or a liquidation) and until when it shows (local ms).
    var flashes: [String: (kind: TileFlash, until: Int64)] = [:]
    /// The trade streams opened for the grid's tiles (closed with the grid).
    var gridStreams: Set<StreamName> = []

    /// Bounds that keep memory flat however long the dashboard runs.
    public static let maxTrades = 200
    public static let maxKlines = 240
    public static let maxLiquidations = 100
    public static let maxAlertLog = 100
    /// Heatmap samples kept: 20 minutes at one a second (about 3.8 MB of levels at
    /// ``heatmapDepth`` levels a side).
    public static let heatmapSamples = 1_200
    /// Levels a side the heatmap keeps of the synchronised local book (the partial-depth stream
    /// has 20): the best ones, read on the tick.
    public static let heatmapDepth = 50
    /// One heatmap column per second.
    public static let heatmapIntervalMs: Int64 = 1_000
    /// Sparkline points: one every 10 s, an hour of them.
    public static let sparkIntervalMs: Int64 = 10_000
    public static let sparkPoints = 360

    /// Creates a model.
    ///
    /// - Parameters:
    ///   - mode: live, demo or replay (status bar).
    ///   - symbol: the symbol focused first.
    ///   - symbols: restrict the watchlist to these (upper case); `nil` shows every symbol.
    ///   - groups: named watchlist groups, after `symbols` in the cycle of ``Action/cycleGroup``.
    ///   - interval: the first chart interval.
    ///   - chartStyle: candles or line.
    ///   - localBook: the app keeps the focused symbol's synchronised local book (it has REST): the
    ///     focused streams include its diff stream and the heatmap draws from it once it is live
    ///     (``tick(now:book:)``).
    public init(mode: DashboardMode, symbol: String, symbols: [String]? = nil, groups: [WatchGroup] = [],
                interval: KlineInterval = .oneMinute, chartStyle: ChartStyle = .candles, account: Bool = false,
                alerts rules: [AlertRule] = [], largeTrades: LargeTradeRule = LargeTradeRule(), localBook: Bool = false) {
        state.mode = mode
        state.localBook = localBook ? .syncing : nil
        state.symbol = symbol.uppercased()
        state.interval = interval
        state.chartStyle = chartStyle
        state.account = account ? AccountView() : nil
        let watchlist = symbols.map { WatchGroup(name: "watchlist", symbols: $0) }
        self.groups = [nil] + (watchlist.map { [$0] } ?? []) + groups
        groupIndex = watchlist == nil ? 0 : 1
        allowedSymbols = watchlist.map { Set($0.symbols) }
        state.group = watchlist?.name
        alerts = AlertEngine(rules: rules)
        state.alertRules = rules
        large = LargeTrades(rule: largeTrades)
    }

    /// Streams the dashboard needs whatever symbol is focused: every ticker, every liquidation and
    /// every symbol's mark price (one frame a second: the grid's funding rates, every position's
    /// PnL, funding alerts).
    public static let globalStreams: [StreamName] = [.allTickers, .allLiquidations, .allMarkPrices(everySecond: true)]

    /// Streams the dashboard needs for the focused symbol; with `localBook`, its diff stream too
    /// (``localBookStream(_:)``), for the synchronised local book.
    public static func symbolStreams(_ symbol: String, interval: KlineInterval, localBook: Bool = false) -> [StreamName] {
        let s = symbol.lowercased()
        return [.aggTrade(symbol: s), .partialDepth(symbol: s, levels: .twenty, speed: .ms100),
                .kline(symbol: s, interval: interval), .markPrice(symbol: s, everySecond: true)]
            + (localBook ? [localBookStream(s)] : [])
    }

    /// The diff stream the focused symbol's local book is kept from.
    public static func localBookStream(_ symbol: String) -> StreamName { .diffDepth(symbol: symbol.lowercased(), speed: .ms100) }

    /// Whether a stream name is a diff-depth stream (`btcusdt@depth`, `btcusdt@depth@100ms`), not a
    /// partial one (`btcusdt@depth20@100ms`): its events are changes for a local book, never a book.
    public static func isDiffDepthStream(_ name: String) -> Bool {
        guard let marker = name.range(of: "@depth") else { return false }
        return name[marker.upperBound...].first.map { !$0.isNumber } ?? true
    }

    /// The focused symbol's streams now.
    public var focusedStreams: [StreamName] { streams(of: state.symbol) }

    /// Every stream to open the connection with: the global ones and the focused symbol's.
    public var initialStreams: [StreamName] { Self.globalStreams + streams(of: state.symbol) }

    func streams(of symbol: String) -> [StreamName] {
        Self.symbolStreams(symbol, interval: state.interval, localBook: state.localBook != nil)
    }

    // MARK: Account

    /// Latest mark price of every symbol, for the account's PnL.
    var marks: [String: ExactDecimal] = [:]

    /// Takes the account as ``LiveAccount`` reconciled it, marked to the latest mark prices.
    /// While the account is not synced (a snapshot pending or failing), the pane gets no numbers
    /// but "syncing account…", never the last, possibly stale, state.
    public func updateAccount(_ status: LiveAccount.Status) {
        guard state.account != nil else { return }
        var account = status.synced ? status.state : nil
        for (symbol, price) in marks { account?.mark(symbol, price: price) }
        state.account?.state = account
        state.account?.marginCallAt = status.marginCallAt
        state.account?.status = Self.accountStatus(status)
        if let account { observeAccountAlerts(account, now: clock) }
    }

    /// The account's state in words.
    static func accountStatus(_ status: LiveAccount.Status) -> String {
        switch status.connection {
        case .connected, .keptAlive, .subscribed:
            if status.synced { return "live" }
            var text = "syncing account…"
            if status.syncAttempts > 1 { text += " (attempt \(status.syncAttempts))" }
            if let error = status.lastError { text += " last error: \(error)" }
            return text
        default:
            return "user stream: \(status.connection)" + (status.lastError.map { " (\($0))" } ?? "")
        }
    }

    /// A REST request's outcome: a failure is shown in the status bar with its reason until the
    /// same request succeeds (`error` nil).
    public func noteREST(_ what: String, error: String?) {
        state.restProblems[what] = error
    }

    // MARK: Events

    /// When the oldest event not yet drawn arrived (local ms), for the event-to-screen budget.
    var undrawnSince: Int64?

    /// The arrival time of the oldest event applied since the last call (then forgets it): the
    /// renderer's next frame shows it, so frame time minus this is the event-to-screen latency.
    public func takeUndrawnSince() -> Int64? {
        defer { undrawnSince = nil }
        return undrawnSince
    }

    /// Folds a batch of stream events in, in order (one actor hop for many events).
    public func apply(batch: [(event: StreamEvent, receivedAt: Int64)]) {
        for item in batch { apply(item.event, receivedAt: item.receivedAt) }
    }

    /// Folds one stream event in.
    public func apply(_ event: StreamEvent, receivedAt now: Int64) {
        if undrawnSince == nil, case .message = event { undrawnSince = now }
        switch event {
        case .message(let message):
            state.lastFrameAt = now
            // Diffs are for the local book the app keeps (a recording may hold them too).
            if case .depth = message.event, let stream = message.stream, Self.isDiffDepthStream(stream) { return }
            apply(message.event, receivedAt: now)
        case .state(let update):
            switch update.state {
            case .subscribed, .rolledOver:
                // Still connected; the bar keeps saying so rather than flickering.
                state.connection = .connected
            default:
                state.connection = update.state
                state.connectionSince = now
                if case .disconnected(let reason) = update.state { state.lastDisconnect = reason }
            }
        case .decodeFailure: state.decodeErrors += 1
        }
    }

    /// Folds one decoded event in.
    public func apply(_ event: AsterEvent, receivedAt now: Int64) {
        clock = max(clock, now)
        switch event {
        case .tickers(let all): for t in all { fold(t, now: now) }
        case .ticker(let t): fold(t, now: now)
        case .aggregateTrade(let t) where t.symbol == state.symbol:
            observeLatency(t.eventTime, now)
            // Oldest first here, trimmed in chunks (amortised O(1) at thousands of trades a
            // second); the snapshot hands them out newest first.
            recentTrades.append(t)
            flow.add(t)
            if recentTrades.count > 2 * Self.maxTrades { recentTrades.removeFirst(recentTrades.count - Self.maxTrades) }
            observeTrade(t, now: now)
        case .aggregateTrade(let t) where gridStreams.contains(.aggTrade(symbol: t.symbol.lowercased())):
            observeTrade(t, now: now)
        case .depth(let d) where d.symbol == state.symbol:
            observeLatency(d.eventTime, now)
            // Best first, whatever order the server used.
            state.bids = d.bids.sorted { $0.price > $1.price }
            state.asks = d.asks.sorted { $0.price < $1.price }
        case .kline(let e) where e.symbol == state.symbol && e.kline.interval == state.interval:
            fold(e.kline)
        case .markPrice(let m):
            mark(m, now: now)
        case .markPrices(let all):
            for m in all { mark(m, now: now) }
        case .liquidation(let l):
            if !alerts.rules.isEmpty, let notional = l.notional {
                record(alerts.observeLiquidation(l.symbol, side: l.side, notional: notional, at: now))
            }
            flashes[l.symbol] = (.liquidation, now + Self.flashMs)
            state.liquidations.insert(l, at: 0)
            if state.liquidations.count > Self.maxLiquidations { state.liquidations.removeLast() }
        case .batch(let events): events.forEach { apply($0, receivedAt: now) }
        default: break
        }
    }

    private func mark(_ m: MarkPriceUpdate, now: Int64) {
        if state.account != nil {
            marks[m.symbol] = m.markPrice
            state.account?.state?.mark(m.symbol, price: m.markPrice)
            if let account = state.account?.state { observeAccountAlerts(account, now: now) }
        }
        if !alerts.rules.isEmpty { record(alerts.observeFunding(m.symbol, rate: m.fundingRate, at: now)) }
        fundingRates[m.symbol] = m.fundingRate
        if m.symbol == state.symbol { state.mark = m }
    }

    private func fold(_ t: Ticker, now: Int64) {
        if !alerts.rules.isEmpty { record(alerts.observePrice(t.symbol, t.lastPrice, at: now)) }
        tickers[t.symbol] = WatchRow(symbol: t.symbol, last: t.lastPrice, changePercent: t.priceChangePercent,
                                     quoteVolume: t.quoteVolume)
    }

    private func fold(_ kline: Kline) {
        let k = Candle(kline)
        if let last = state.klines.last, last.openTime == k.openTime {
            state.klines[state.klines.count - 1] = k
        } else if state.klines.last.map({ $0.openTime < k.openTime }) ?? true {
            state.klines.append(k)
            if state.klines.count > Self.maxKlines { state.klines.removeFirst() }
        }
    }

    /// How far (ms) an event's time may be from this machine's clock and still measure latency;
    /// past it the server's or this machine's clock is off, and the latency shows as unknown.
    public static let plausibleClockSkewMs: Int64 = 60_000

    private func observeLatency(_ eventTime: Int64, _ now: Int64) {
        // Event times are decoded within ±10^18 and `now` is a wall clock: the difference fits.
        let (difference, overflow) = now.subtractingReportingOverflow(eventTime)
        guard !overflow, difference.magnitude <= UInt64(Self.plausibleClockSkewMs) else {
            state.latencyUnknown = true
            state.latencyMs = nil
            return
        }
        state.latencyUnknown = false
        let sample = max(0, difference)
        state.latencyMs = state.latencyMs.map { ($0 * 7 + sample) / 8 } ?? sample
    }

    /// Records the connection counters (frames/s is measured over the last second).
    public func observe(_ stats: StreamStatistics, now: Int64) {
        frameSamples.append((now, stats.frames))
        frameSamples.removeAll { now - $0.time > 2_000 }
        if let first = frameSamples.first(where: { now - $0.time <= 1_100 }), now > first.time {
            state.framesPerSecond = Int(Double(stats.frames - first.frames) * 1000 / Double(now - first.time))
        }
        state.reconnects = stats.reconnects
        state.dropped = stats.dropped
        state.decodeErrors = max(state.decodeErrors, stats.decodeErrors)
    }

    // MARK: Snapshots

    /// The picture to draw now.
    public func snapshot(now: Int64) -> DashboardSnapshot {
        var s = state
        s.now = now
        s.watchlist = sortedRows()
        s.focusIndex = s.watchlist.firstIndex { $0.symbol == state.symbol } ?? 0
        s.orderCursor = selectedOrderId.flatMap { id in listedOrders.firstIndex { $0.orderId == id } }
        s.flow = flow.latest == 0 ? nil : flow.stats(state.flowWindow)
        s.trades = Array(recentTrades.suffix(Self.maxTrades).reversed())
        s.largeTrade = large.thresholds[state.symbol]
        addViews(to: &s, now: now)
        return s
    }

    func sortedRows() -> [WatchRow] {
        let rows = allowedSymbols.map { allowed in tickers.values.filter { allowed.contains($0.symbol) } } ?? Array(tickers.values)
        switch state.sort {
        case .symbol: return rows.sorted { $0.symbol < $1.symbol }
        case .change: return rows.sorted { ($0.changePercent, $0.symbol) > ($1.changePercent, $1.symbol) }
        case .volume: return rows.sorted { ($0.quoteVolume, $0.symbol) > ($1.quoteVolume, $1.symbol) }
        }
    }

    // MARK: Actions

    /// Applies a user action; returns what the app must do.
    public func perform(_ action: Action) -> [Effect] {
        if state.confirmation != nil { return performConfirmation(action) }
        if state.orderTicket != nil { return performTicketInput(action) }
        if state.alertInput != nil { return performAlertInput(action) }
        if state.replayInput != nil { return performReplayInput(action) }
        if state.showAlerts, let effects = performInAlertOverlay(action) { return effects }
        if state.showHelp, let effects = performInHelp(action) { return effects }
        if state.showGrid, case .moveFocus(let delta) = action { return performView(.selectTile(state.gridCursor + delta)) }
        switch action {
        case .moveFocus(let delta) where state.paneFocus == .book && abs(delta) == 1:
            // On the focused book, ↑↓ move the cursor across the spread.
            var c = state.bookCursor ?? 0
            c += delta
            if c == 0 { c += delta }
            state.bookCursor = min(max(c, -state.bookDepth), state.bookDepth)
        case .moveFocus(let delta) where state.paneFocus == .account && abs(delta) == 1 && state.trading:
            moveOrderCursor(delta)
        case .moveFocus(let delta):
            let rows = sortedRows()
            guard !rows.isEmpty else { return [] }
            let current = rows.firstIndex { $0.symbol == state.symbol } ?? 0
            return focus(rows[min(max(current + delta, 0), rows.count - 1)].symbol)
        case .selectRow(let index):
            let rows = sortedRows()
            guard rows.indices.contains(index) else { return [] }
            return focus(rows[index].symbol)
        case .cyclePane(let forward):
            let panes = Pane.allCases.filter { ($0 != .account || state.account != nil) && $0 != .heatmap }
            let i = panes.firstIndex(of: state.paneFocus) ?? 0
            state.paneFocus = panes[(i + (forward ? 1 : panes.count - 1)) % panes.count]
        case .cycleInterval:
            let all = KlineInterval.allCases
            let old = state.interval
            state.interval = all[((all.firstIndex(of: old) ?? 0) + 1) % all.count]
            state.klines = []
            let s = state.symbol.lowercased()
            return [.resubscribe(unsubscribe: [.kline(symbol: s, interval: old)],
                                 subscribe: [.kline(symbol: s, interval: state.interval)]),
                    .loadHistory(symbol: state.symbol, interval: state.interval)]
        case .changeDepth(let delta):
            let steps = [5, 10, 15, 20]
            let i = steps.firstIndex(of: state.bookDepth) ?? 3
            state.bookDepth = steps[min(max(i + delta, 0), steps.count - 1)]
        case .changeGrouping(let delta): changeGrouping(delta)
        case .cycleSort:
            let all = WatchlistSort.allCases
            state.sort = all[((all.firstIndex(of: state.sort) ?? 0) + 1) % all.count]
            if state.showGrid { return refreshGridStreams() }
        case .toggleChartStyle: state.chartStyle = state.chartStyle == .candles ? .line : .candles
        case .cycleGroup:
            selectGroup((groupIndex + 1) % groups.count)
            state.message = "watchlist: " + (state.group ?? "every symbol")
            if state.showGrid { return refreshGridStreams() }
        case .togglePause:
            // A replay pauses the replay (the header says PAUSED); live, drawing pauses.
            if state.mode == .replay { return [.replay(.togglePause)] }
            state.paused.toggle()
        case .replayStep, .replaySpeed, .replaySeek, .beginReplaySeek: return performReplay(action)
        case .toggleHelp:
            state.showHelp.toggle()
            state.helpPage = 0
        case .dismiss:
            state.bookCursor = nil
            selectedOrderId = nil
            state.showHelp = false
            state.showAlerts = false
            state.message = nil
            if state.showGrid { return closeGrid() }
        case .beginSearch: state.search = ""
        case .searchInput(let c): state.search = (state.search ?? "") + String(c).uppercased()
        case .searchBackspace: if state.search?.isEmpty == false { state.search?.removeLast() }
        case .searchCancel: state.search = nil
        case .searchCommit:
            let query = state.search ?? ""
            state.search = nil
            let rows = sortedRows()
            if let hit = rows.first(where: { $0.symbol == query }) ?? rows.first(where: { $0.symbol.hasPrefix(query) })
                ?? rows.first(where: { $0.symbol.contains(query) }) {
                return focus(hit.symbol)
            }
            state.message = "no symbol matches \(query)"
        case .toggleAlerts:
            state.showAlerts.toggle()
            state.alertCursor = min(state.alertCursor, max(0, state.alertRules.count - 1))
        case .beginAlert:
            editingAlert = nil
            state.alertInput = ""
        case .editAlert, .deleteAlert: break  // only in the alert overlay
        case .toggleWatch: return toggleWatch()
        case .beginOrder(let side): beginOrder(side)
        case .cancelSelectedOrder: cancelSelectedOrder()
        case .modifySelectedOrder: modifySelectedOrder()
        case .closeFocusedPosition: closeFocusedPosition()
        case .nextField: break  // only in forms
        case .cycleFlowWindow:
            let all = TradeFlow.Window.allCases
            state.flowWindow = all[((all.firstIndex(of: state.flowWindow) ?? 0) + 1) % all.count]
        case .toggleHeatmap, .scrollHeatmap, .heatmapLive, .toggleGrid, .selectTile, .activate, .moveSideways:
            return performView(action)
        case .resize, .click: break
        case .quit: return [.quit]
        }
        return []
    }

    func focus(_ symbol: String) -> [Effect] {
        let closing = state.showGrid ? closeGrid() : []
        guard symbol != state.symbol else { return closing }
        let old = streams(of: state.symbol)
        if !gridStreams.contains(.aggTrade(symbol: state.symbol.lowercased())) { large.forget(state.symbol) }
        state.symbol = symbol
        state.bids = []
        state.asks = []
        state.trades = []
        recentTrades = []
        flow.reset()
        state.klines = []
        state.mark = nil
        state.grouping = nil
        state.bookCursor = nil
        state.message = nil
        resetHeatmap()
        // The old symbol's book is dropped (the app starts the new symbol's from its diff stream).
        if state.localBook != nil { state.localBook = .syncing }
        return closing + [.resubscribe(unsubscribe: old, subscribe: streams(of: symbol)),
                          .loadHistory(symbol: symbol, interval: state.interval)]
    }

    /// What to load when the dashboard starts.
    public var initialEffects: [Effect] { [.loadHistory(symbol: state.symbol, interval: state.interval), .loadSymbolInfo] }

    /// Every symbol's tick and step size from `exchangeInfo`: prices and quantities are then
    /// shown at that precision (`97250.0` beside `97249.9`).
    public func setSymbolInfo(_ infos: [SymbolInfo]) {
        for info in infos { symbolInfos[info.symbol] = info }
        // A symbol without its price or lot size filter keeps the precision of the values shown.
        for info in infos {
            guard let tick = info.tickSize, let step = info.stepSize, !tick.isZero || !step.isZero else { continue }
            state.precisions[info.symbol] = SymbolPrecision(price: Int(tick.scale), quantity: Int(step.scale))
        }
    }

    /// Past klines from REST: kept when they are still for the chart's symbol and interval;
    /// candles already received live win over the same candle from REST.
    public func seedKlines(symbol: String, interval: KlineInterval, _ history: [Candle]) {
        guard symbol == state.symbol, interval == state.interval else { return }
        let live = state.klines
        let firstLive = live.first?.openTime ?? .max
        state.klines = Array((history.filter { $0.openTime < firstLive } + live).suffix(Self.maxKlines))
    }

    private func changeGrouping(_ delta: Int) {
        guard let reference = state.bids.first?.price ?? state.asks.first?.price else { return }
        // Ticks implied by the prices shown: the smallest fractional unit among them.
        let scale = (state.bids + state.asks).map(\.price.scale).max() ?? reference.scale
        let tick = ExactDecimal(mantissa: 1, scale: Int(scale))
        let steps: [ExactDecimal] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000].map { tick * $0 }
        let current = state.grouping.flatMap { g in steps.firstIndex(of: g) } ?? -1
        let next = current + delta
        state.grouping = next < 0 ? nil : steps[min(next, steps.count - 1)]
    }
}
