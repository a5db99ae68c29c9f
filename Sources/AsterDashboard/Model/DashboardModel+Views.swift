import AsterKit
import DequeModule

/// The depth heatmap (`H`), the grid view (`m`) and the samples they draw from, taken on the
/// refresh tick (``tick(now:)``), never per event.
extension DashboardModel {
    /// How long a tile flashes after a large trade or a liquidation (ms).
    static let flashMs: Int64 = 2_000
    /// Tiles whose trades the grid follows at most (their aggTrade streams open with the grid).
    static let gridTradeSymbols = 24

    /// The refresh tick at `now` (the wall clock live, the replay clock in a replay, so a column is
    /// a second of the recording at any speed): takes a heatmap sample (once per ``heatmapIntervalMs``), a sparkline point
    /// of every symbol (once per ``sparkIntervalMs``), and recomputes the large-trade thresholds
    /// (once a second).
    /// Sampling writes into storage allocated once: nothing grows with time.
    ///
    /// The heatmap samples `book`, the focused symbol's synchronised local book, when it is live
    /// (up to ``heatmapDepth`` levels a side); otherwise (no book yet, resyncing, another symbol's,
    /// a replay) the partial-depth stream's top 20 levels. Each sample remembers which it was.
    /// The app reads the book only when ``heatmapSampleDue(now:)``.
    ///
    /// ```swift
    /// await model.tick(now: nowMs, book: sample)
    /// let picture = await model.snapshot(now: nowMs)
    /// ```
    public func tick(now: Int64, book: LocalBookSample? = nil) {
        // A replay's clock can go back (a seek): what was due later is due again from there.
        if now + Self.heatmapIntervalMs < nextHeatSample { nextHeatSample = 0 }
        if now + Self.sparkIntervalMs < nextSparkSample { nextSparkSample = 0 }
        if now + 1_000 < nextThresholdUpdate { nextThresholdUpdate = 0 }
        // Another symbol's book (read just before a switch) is not this symbol's.
        let book = book.flatMap { $0.symbol == state.symbol ? $0 : nil }
        if let book, state.localBook != nil { state.localBook = book.state }
        if now >= nextHeatSample {
            let synced = book.flatMap { $0.isSynced ? $0 : nil }
            if let synced {
                heat.record(time: now, bids: synced.bids, asks: synced.asks, buy: pendingBuy, sell: pendingSell, source: .synced)
            } else if !state.bids.isEmpty || !state.asks.isEmpty {
                heat.record(time: now, bids: state.bids, asks: state.asks, buy: pendingBuy, sell: pendingSell, source: .top20)
            }
            if synced != nil || !state.bids.isEmpty || !state.asks.isEmpty {
                pendingBuy = .none
                pendingSell = .none
                // A view scrolled back stays on its moment while new samples arrive.
                if state.heatmapScroll > 0 { state.heatmapScroll = min(state.heatmapScroll + 1, heat.count - 1) }
            }
            nextHeatSample = now - now % Self.heatmapIntervalMs + Self.heatmapIntervalMs
        }
        if now >= nextSparkSample {
            for (symbol, row) in tickers {
                sparks[symbol, default: []].append(row.last)
                if let count = sparks[symbol]?.count, count > Self.sparkPoints { sparks[symbol]?.removeFirst(count - Self.sparkPoints) }
            }
            nextSparkSample = now - now % Self.sparkIntervalMs + Self.sparkIntervalMs
        }
        // Thresholds once a second (a sort of 500 sizes per symbol that traded), not every frame.
        if now >= nextThresholdUpdate {
            large.update()
            nextThresholdUpdate = now + 1_000
        }
        if !flashes.isEmpty, flashes.values.contains(where: { $0.until <= now }) {
            flashes = flashes.filter { $0.value.until > now }
        }
    }

    /// Whether the next ``tick(now:book:)`` at `now` takes a heatmap sample: the app reads the local
    /// book then, not on every frame.
    public func heatmapSampleDue(now: Int64) -> Bool {
        now >= nextHeatSample || now + Self.heatmapIntervalMs < nextHeatSample
    }

    /// A trade of the focused symbol or of a grid tile: the heatmap's marks, the large-trade sizes, the tile's flash.
    func observeTrade(_ t: AggregateTrade, now: Int64) {
        if t.symbol == state.symbol {
            if t.buyerIsMaker { pendingSell.add(price: t.price, quantity: t.quantity) } else { pendingBuy.add(price: t.price, quantity: t.quantity) }
        }
        if large.observe(t.symbol, quantity: t.quantity) {
            flashes[t.symbol] = (t.buyerIsMaker ? .largeSell : .largeBuy, now + Self.flashMs)
        }
    }

    /// Forgets the heatmap's samples (a new symbol).
    func resetHeatmap() {
        heat.reset()
        pendingBuy = .none
        pendingSell = .none
        state.heatmapScroll = 0
        nextHeatSample = 0
    }

    /// The views' parts of a snapshot.
    func addViews(to s: inout DashboardSnapshot, now: Int64) {
        s.heatmap = heat
        guard state.showGrid else { return }
        s.gridCursor = min(state.gridCursor, max(0, s.watchlist.count - 1))
        s.tiles = s.watchlist.map { row in
            let flash = flashes[row.symbol].flatMap { $0.until > now || now == 0 ? $0.kind : nil }
            return GridTile(symbol: row.symbol, last: row.last, changePercent: row.changePercent,
                            spark: Array(sparks[row.symbol] ?? []) + [row.last], funding: fundingRates[row.symbol], flash: flash)
        }
    }

    /// The heatmap and grid actions.
    func performView(_ action: Action) -> [Effect] {
        switch action {
        case .toggleHeatmap:
            state.showHeatmap.toggle()
        case .scrollHeatmap(let samples):
            state.heatmapScroll = min(max(0, state.heatmapScroll + samples), max(0, heat.count - 1))
        case .heatmapLive:
            state.heatmapScroll = 0
        case .toggleGrid:
            if state.showGrid { return closeGrid() }
            state.showGrid = true
            state.gridCursor = sortedRows().firstIndex { $0.symbol == state.symbol } ?? 0
            return refreshGridStreams()
        case .selectTile(let index):
            let count = sortedRows().count
            guard count > 0 else { return [] }
            state.gridCursor = min(max(0, index), count - 1)
        case .activate:
            guard state.showGrid else { return [] }
            let rows = sortedRows()
            guard rows.indices.contains(state.gridCursor) else { return closeGrid() }
            return focus(rows[state.gridCursor].symbol)
        case .moveSideways(let delta):
            if state.showGrid { return performView(.selectTile(state.gridCursor + delta)) }
            // Left is back in time: 10 samples (10 s) a press.
            return performView(.scrollHeatmap(-delta * 10))
        default:
            break
        }
        return []
    }

    /// In the help overlay, ↑↓ ←→ PgUp PgDn turn its pages; `nil` for the other actions.
    func performInHelp(_ action: Action) -> [Effect]? {
        switch action {
        case .moveFocus(let delta), .moveSideways(let delta):
            state.helpPage = max(0, state.helpPage + (delta > 0 ? 1 : -1))
            return []
        default:
            return nil
        }
    }

    /// Closes the grid: its tiles' trade streams close too (the focused symbol's stay).
    func closeGrid() -> [Effect] {
        state.showGrid = false
        let close = gridStreams
        gridStreams = []
        return close.isEmpty ? [] : [.resubscribe(unsubscribe: close.sorted { $0.name < $1.name }, subscribe: [])]
    }

    /// Opens the trade streams of the grid's first tiles (for their large-trade flashes) and closes
    /// those no longer shown; the focused symbol's own stream is never touched.
    func refreshGridStreams() -> [Effect] {
        let focused = StreamName.aggTrade(symbol: state.symbol.lowercased())
        let wanted = Set(sortedRows().prefix(Self.gridTradeSymbols).map { StreamName.aggTrade(symbol: $0.symbol.lowercased()) })
            .subtracting([focused])
        let add = wanted.subtracting(gridStreams).sorted { $0.name < $1.name }
        let remove = gridStreams.subtracting(wanted).sorted { $0.name < $1.name }
        gridStreams = wanted
        return add.isEmpty && remove.isEmpty ? [] : [.resubscribe(unsubscribe: remove, subscribe: add)]
    }
}
