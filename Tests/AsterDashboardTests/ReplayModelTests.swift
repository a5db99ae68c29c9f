@testable import AsterDashboard
import AsterKit
import AsterTestSupport
import Foundation
import Testing

/// What a seek must rebuild: the book, chart, tape, flow, watchlist and liquidations.
struct MarketPicture: Equatable {
    var bids: [PriceLevel]
    var asks: [PriceLevel]
    var klines: [Candle]
    var trades: [AggregateTrade]
    var flow: TradeFlow.Stats?
    var watchlist: [WatchRow]
    var largeTrade: ExactDecimal?
    var liquidations: [Liquidation]
    var lastFrameAt: Int64?

    init(_ s: DashboardSnapshot) {
        bids = s.bids
        asks = s.asks
        klines = s.klines
        trades = s.trades
        flow = s.flow
        watchlist = s.watchlist
        largeTrade = s.largeTrade
        liquidations = s.liquidations
        lastFrameAt = s.lastFrameAt
    }

    /// A model fed every frame up to `time`, as a replay played through.
    static func playedThrough(_ path: String, upTo time: Int64, symbol: String = "BTCUSDT") async throws -> MarketPicture {
        let model = DashboardModel(mode: .replay, symbol: symbol)
        await model.apply(batch: try ReplayRecordings.playedThrough(path, upTo: time))
        return MarketPicture(await model.snapshot(now: time))
    }
}

@Suite("Dashboard replay: seek, keys, header", .serialized, .timeLimit(.minutes(3)))
struct ReplayModelTests {
    @Test("after a seek the model's book, candles, tape and flow equal a model played through to that point")
    func seekEqualsPlayThrough() async throws {
        let path = temporaryPath("model.rec")
        try ReplayRecordings.write(to: path, seconds: 900)
        let s = ReplayRecordings.start
        let (index, _) = try ReplayIndex.open(for: path)
        let model = DashboardModel(mode: .replay, symbol: "BTCUSDT")
        let player = ReplayPlayer(path: path, index: index, consumer: model, paused: true)
        let running = Task { await player.run() }
        defer { running.cancel() }
        for target in [s + 700_000, s + 95_050, s + 660_000, s + 10_000, s + 899_000, s + 30_125] {
            await player.perform(.seekTo(target))
            let got = MarketPicture(await model.snapshot(now: target))
            let want = try await MarketPicture.playedThrough(path, upTo: target)
            #expect(got == want, "seek to +\(target - s) ms")
            #expect(!got.trades.isEmpty && !got.klines.isEmpty && got.flow != nil)
            #expect(got.bids.first?.price.description == ReplayRecordings.bestBid((target - s) / 100))
        }
        // Another symbol, then back: rebuilt at the replay clock from the recording.
        _ = await model.perform(.moveFocus(1))
        #expect(await model.snapshot(now: 0).symbol == "ETHUSDT")
        await player.perform(.rebuild)
        let eth = try await MarketPicture.playedThrough(path, upTo: s + 30_125, symbol: "ETHUSDT")
        #expect(MarketPicture(await model.snapshot(now: s + 30_125)) == eth)
        _ = await model.perform(.moveFocus(-1))
        await player.perform(.rebuild)
        let want1 = try await MarketPicture.playedThrough(path, upTo: s + 30_125)
        #expect(MarketPicture(await model.snapshot(now: s + 30_125)) == want1)
        running.cancel()
        await running.value
    }

    @Test("replay keys: space pauses the replay, . steps, < > change speed, [ ] { } seek, @ opens the time prompt")
    func keys() async throws {
        let model = DashboardModel(mode: .replay, symbol: "BTCUSDT")
        await model.setReplayStatus(ReplayStatus(time: ReplayRecordings.start + 3_600_000, speed: 1))
        func effects(_ c: Character) async -> [Effect] {
            guard let action = KeyMap.standard.action(for: .character(c), searching: await model.snapshot(now: 0).typing) else { return [] }
            return await model.perform(action)
        }
        #expect(await effects(" ") == [.replay(.togglePause)])
        #expect(await effects("p") == [.replay(.togglePause)])
        #expect(await model.snapshot(now: 0).paused == false)  // drawing goes on: the header shows PAUSED
        #expect(await effects(".") == [.replay(.step)])
        #expect(await effects("<") == [.replay(.slower)])
        #expect(await effects(">") == [.replay(.faster)])
        #expect(await effects("[") == [.replay(.seek(by: -60_000))])
        #expect(await effects("]") == [.replay(.seek(by: 60_000))])
        #expect(await effects("{") == [.replay(.seek(by: -600_000))])
        #expect(await effects("}") == [.replay(.seek(by: 600_000))])
        #expect(await effects("@") == [])
        #expect(await model.snapshot(now: 0).replayInput == "")
        for c in "00:30" { _ = await effects(c) }
        #expect(await model.perform(.searchCommit) == [.replay(.seekTo(ReplayRecordings.start + 1_800_000))])
        #expect(await effects("T") == [])
        for c in "-5m" { _ = await effects(c) }
        #expect(await model.perform(.searchCommit) == [.replay(.seekTo(ReplayRecordings.start + 3_300_000))])
        _ = await effects("@")
        for c in "25:99" { _ = await effects(c) }
        #expect(await model.perform(.searchCommit) == [])
        #expect(await model.snapshot(now: 0).message?.contains("not a time") == true)
        // Live, the same keys only say they are for replays; space pauses drawing.
        let live = DashboardModel(mode: .live, symbol: "BTCUSDT")
        #expect(await live.perform(.replaySeek(60_000)) == [])
        #expect(await live.snapshot(now: 0).message?.contains("--replay") == true)
        #expect(await live.perform(.togglePause) == [])
        #expect(await live.snapshot(now: 0).paused)
    }

    @Test("the seek prompt reads times of day, dates and times, and relative offsets (UTC)")
    func prompt() {
        let clock = ReplayRecordings.start + 13 * 3_600_000 + 17_000  // 2026-12-03 13:00:17
        let day = ReplayRecordings.start
        #expect(ReplaySeekPrompt.target("14:05", clock: clock) == day + (14 * 60 + 5) * 60_000)
        #expect(ReplaySeekPrompt.target(" 14:05:30 ", clock: clock) == day + (14 * 3600 + 5 * 60 + 30) * 1_000)
        #expect(ReplaySeekPrompt.target("2026-12-03 00:00", clock: 0) == day)
        #expect(ReplaySeekPrompt.target("2026-12-04T01:00:01", clock: 0) == day + 86_400_000 + 3_601_000)
        #expect(ReplaySeekPrompt.target("2000-02-29 00:00", clock: 0) == 951_782_400_000)
        #expect(ReplaySeekPrompt.target("+90s", clock: clock) == clock + 90_000)
        #expect(ReplaySeekPrompt.target("-5m", clock: clock) == clock - 300_000)
        #expect(ReplaySeekPrompt.target("+1h", clock: clock) == clock + 3_600_000)
        #expect(ReplaySeekPrompt.target("-30", clock: clock) == clock - 30_000)
        for bad in ["", "25:00", "12:60", "2026-02-30 10:00", "2026-13-01 10:00", "abc", "+5x", "+", "1:2:3:4", "+99999999999h"] {
            #expect(ReplaySeekPrompt.target(bad, clock: clock) == nil, "\(bad)")
        }
    }

    @Test("the help overlay in a replay lists the replay keys (in place of trading's) whole at 100x28; live help does not")
    func help() {
        var s = DashboardSnapshot()
        s.mode = .replay
        s.showHelp = true
        // The help's pages (↑↓ turn them at 100x28); descriptions may wrap, so words runs are compared.
        let pages = HelpOverlay.pages(KeyMap.standard.replayHelp, width: 100, height: 28)?.pages.count ?? 0
        var text = ""
        for page in 0..<pages {
            s.helpPage = page
            text += DashboardRenderer().render(s, width: 100, height: 28).lines.joined(separator: "\n") + "\n"
        }
        let flat = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "│" }).joined(separator: " ")
        for row in KeyMap.standard.replayHelp {
            #expect(flat.contains(row.what.split(separator: " ").joined(separator: " ")) && text.contains(row.keys), "\(row)\n\(text)")
        }
        for part in ["< / >", "[ / ]  { / }", ".  @ T", "replay: back / forward 1 min, 10 min", "? or Esc"] {
            #expect(text.contains(part), "\(part)")
        }
        #expect(!text.contains("order ticket"))
        #expect(!KeyMap.standard.help.contains { $0.what.hasPrefix("replay") })
    }

    @Test("the header shows REPLAY, the replay clock (UTC), the speed, PAUSED and END")
    func header() {
        var s = DashboardSnapshot()
        s.mode = .replay
        s.now = ReplayRecordings.start + 3_723_000
        s.replay = ReplayStatus(time: ReplayRecordings.start + 3_723_000, speed: 0.25, paused: true, start: ReplayRecordings.start,
                                end: ReplayRecordings.start + 7_200_000)
        var bar = DashboardRenderer().render(s, width: 160, height: 40).lines[0]
        for part in ["REPLAY", "2026-12-03 01:02:03 UTC", "×0.25", "PAUSED", "1h 02m 03s / 2h 00m 00s"] {
            #expect(bar.contains(part), "\(part) in \(bar)")
        }
        #expect(!bar.contains("END"))
        s.replay?.paused = false
        s.replay?.speed = 64
        s.replay?.finished = true
        bar = DashboardRenderer().render(s, width: 160, height: 40).lines[0]
        #expect(bar.contains("×64") && bar.contains("END") && !bar.contains("PAUSED"))
    }
}
