import AsterKit

/// A replay's side of the model: it is the ``ReplayConsumer`` a ``ReplayPlayer`` plays into
/// (keyframes of everything folded from events, so a seek rebuilds the book, chart, tape, flow,
/// watchlist and liquidations at the seek point), and the replay keys.
extension DashboardModel: ReplayConsumer {
    /// Everything the model folded from events, for a replay's seek. UI state (focus, overlays,
    /// prompts) is not in it: a seek never closes what the user opened.
    public struct Keyframe: Sendable {
        var symbol: String
        var interval: KlineInterval
        var market: DashboardSnapshot
        var tickers: [String: WatchRow]
        var large: LargeTrades
        var recentTrades: [AggregateTrade]
        var marks: [String: ExactDecimal]
        var clock: Int64
        var flow: TradeFlow
        var alerts: AlertEngine
    }

    /// Folds a replay's events in (their recorded times as arrival times).
    public func replay(_ events: [(event: StreamEvent, receivedAt: Int64)]) {
        apply(batch: events)
    }

    /// The model's event-folded state now.
    public func keyframe() -> Keyframe {
        Keyframe(symbol: state.symbol, interval: state.interval, market: state, tickers: tickers, large: large,
                 recentTrades: recentTrades, marks: marks, clock: clock, flow: flow, alerts: alerts)
    }

    /// Puts the event-folded state back to a keyframe (`nil`: as before the first event). A
    /// keyframe of another symbol or interval (taken before a switch) counts as `nil`.
    public func restore(_ keyframe: Keyframe?) {
        let k = keyframe.flatMap { $0.symbol == state.symbol && $0.interval == state.interval ? $0 : nil }
        let m = k?.market ?? DashboardSnapshot()
        state.bids = m.bids
        state.asks = m.asks
        state.klines = m.klines
        state.mark = m.mark
        state.liquidations = m.liquidations
        state.lastFrameAt = m.lastFrameAt
        state.latencyMs = m.latencyMs
        state.latencyUnknown = m.latencyUnknown
        state.decodeErrors = m.decodeErrors
        state.alertLog = m.alertLog
        tickers = k?.tickers ?? [:]
        large = k?.large ?? LargeTrades(rule: large.rule)
        // The heatmap's samples and the tiles' flashes were of the time before the seek.
        resetHeatmap()
        flashes = [:]
        recentTrades = k?.recentTrades ?? []
        marks = k?.marks ?? [:]
        clock = k?.clock ?? 0
        flow = k?.flow ?? TradeFlow()
        alerts = k?.alerts ?? AlertEngine(rules: alerts.rules)
        // Alerts re-fired while a seek replays the frames are history, not news.
        undelivered = []
        undrawnSince = nil
    }

    /// The replay's clock, speed and state, for the header.
    public func setReplayStatus(_ status: ReplayStatus) {
        state.replay = status
    }

    /// The replay keys (outside a replay they only say so).
    func performReplay(_ action: Action) -> [Effect] {
        guard state.mode == .replay else {
            state.message = "replay keys work in a replay (aster-tui --replay FILE)"
            return []
        }
        switch action {
        case .replayStep: return [.replay(.step)]
        case .replaySpeed(let delta): return [.replay(delta > 0 ? .faster : .slower)]
        case .replaySeek(let ms): return [.replay(.seek(by: ms))]
        case .beginReplaySeek: state.replayInput = ""
        default: break
        }
        return []
    }

    /// Keys while the seek prompt is open: type, Enter seeks, Esc cancels.
    func performReplayInput(_ action: Action) -> [Effect] {
        switch action {
        case .searchInput(let c): state.replayInput = (state.replayInput ?? "") + String(c)
        case .searchBackspace: if state.replayInput?.isEmpty == false { state.replayInput?.removeLast() }
        case .searchCancel, .dismiss: state.replayInput = nil
        case .searchCommit:
            let text = state.replayInput ?? ""
            state.replayInput = nil
            guard let target = ReplaySeekPrompt.target(text, clock: state.replay?.time ?? clock) else {
                state.message = "not a time: \"\(text)\" (HH:MM[:SS], YYYY-MM-DD HH:MM[:SS], or ±N s/m/h)"
                return []
            }
            state.message = nil
            return [.replay(.seekTo(target))]
        case .quit: return [.quit]
        default: break
        }
        return []
    }
}
