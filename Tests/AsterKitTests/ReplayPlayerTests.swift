import AsterKit
import AsterTestSupport
import Foundation
import Testing

/// A library user's state: the book, the trades and the candles folded from a replay.
actor MarketFold: ReplayConsumer {
    struct State: Sendable, Hashable {
        var bids: [PriceLevel] = []
        var asks: [PriceLevel] = []
        var trades: [Int64] = []
        var candles: [Int64: Kline] = [:]
        var tickers: [String: ExactDecimal] = [:]
        var events = 0
        var failures = 0
        var lastTime: Int64 = 0
    }

    var state = State()

    func replay(_ events: [(event: StreamEvent, receivedAt: Int64)]) {
        for (event, time) in events {
            if case .state = event { continue }
            state.events += 1
            state.lastTime = time
            switch event {
            case .message(let m):
                switch m.event {
                case .depth(let d):
                    state.bids = d.bids
                    state.asks = d.asks
                case .aggregateTrade(let t): state.trades.append(t.aggregateTradeId)
                case .kline(let k): state.candles[k.kline.openTime] = k.kline
                case .tickers(let all): for t in all { state.tickers[t.symbol] = t.lastPrice }
                default: break
                }
            case .decodeFailure: state.failures += 1
            case .state: break
            }
        }
    }

    func keyframe() -> State { state }
    func restore(_ keyframe: State?) { state = keyframe ?? State() }

    /// The state a replay played through to `time` has.
    static func reference(_ path: String, upTo time: Int64) async throws -> State {
        let fold = MarketFold()
        await fold.replay(try ReplayRecordings.playedThrough(path, upTo: time))
        return await fold.state
    }
}

/// Runs `body` with a player running (on a manual clock), then stops it.
func withPlayer<T: Sendable>(_ path: String, paused: Bool = true, speed: Double = 1, clock: ManualClock = ManualClock(),
                             maxKeyframes: Int = 240,
                             _ body: (ReplayPlayer<MarketFold, ManualClock>, MarketFold) async throws -> T) async throws -> T {
    let (index, _) = try ReplayIndex.open(for: path)
    let fold = MarketFold()
    let player = ReplayPlayer(path: path, index: index, consumer: fold, clock: clock, speed: speed, paused: paused,
                              maxKeyframes: maxKeyframes)
    let running = Task { await player.run() }
    defer { running.cancel() }
    let result = try await body(player, fold)
    running.cancel()
    await running.value
    return result
}

@Suite("Replay time travel: seek, pause, step, speed", .serialized, .timeLimit(.minutes(3)))
struct ReplayPlayerTests {
    @Test("a seek lands on the same book, trades and candles as a replay played through to that point")
    func seekMatchesPlayThrough() async throws {
        let path = temporaryPath("seek.rec")
        try ReplayRecordings.write(to: path, seconds: 600)
        let s = ReplayRecordings.start
        try await withPlayer(path, maxKeyframes: 16) { player, fold in
            let last = try #require(player.index.lastTime)
            #expect(last == s + 599_900)
            // Forward into unplayed time, back (keyframes), forward again, to both ends, between checkpoints.
            let targets: [Int64] = [s + 420_000, s + 61_234, s + 61_234, s + 599_900, s + 5, s + 300_001, s + 299_999,
                                    s - 50_000, s + 900_000, s + 123_456]
            for target in targets {
                await player.perform(.seekTo(target))
                let clamped = min(max(target, s), last)
                let expected = try await MarketFold.reference(path, upTo: clamped)
                let got = await fold.state
                #expect(got == expected, "seek to \(target - s) ms")
                #expect(got.bids.first?.price.description == ReplayRecordings.bestBid((clamped - s) / 100))
                #expect(await player.status().time == clamped)
            }
            // Keyframes were kept, and thinned to the bound.
            let kept = await player.keyframeCount
            #expect(kept > 0 && kept <= 16)
            // Relative seeks: a minute back and ten forward.
            await player.perform(.seekTo(s + 200_000))
            await player.perform(.seek(by: -60_000))
            let want1 = try await MarketFold.reference(path, upTo: s + 140_000)
            #expect(await fold.state == want1)
            await player.perform(.seek(by: 600_000))
            let want2 = try await MarketFold.reference(path, upTo: last)
            #expect(await fold.state == want2)
            #expect(await player.status().finished)
        }
    }

    @Test("pause, step and speed on an injected clock: frames come when due, none while paused, one batch a step")
    func pacing() async throws {
        let path = temporaryPath("pace.rec")
        try ReplayRecordings.write(to: path, seconds: 60)
        let s = ReplayRecordings.start
        let clock = ManualClock()
        try await withPlayer(path, paused: false, clock: clock) { player, fold in
            // At the start only the frames recorded at the first millisecond are due.
            try await waitUntil { await fold.state.lastTime == s && clock.sleeping == 1 }
            clock.advance(by: .milliseconds(1_000))
            try await waitUntil { await fold.state.lastTime == s + 1_000 && clock.sleeping == 1 }
            #expect(await player.status().time == s + 1_000)
            // Paused: the clock moves, the replay does not.
            await player.perform(.pause)
            clock.advance(by: .seconds(30))
            try await waitUntil { clock.sleeping == 0 }
            #expect(await fold.state.lastTime == s + 1_000)
            #expect(await player.status().paused)
            #expect(await player.status().time == s + 1_000)
            // A step plays the next millisecond's frames only.
            let before = await fold.state.events
            await player.perform(.step)
            #expect(await fold.state.lastTime == s + 1_050)
            #expect(await fold.state.events == before + 1)  // the trade at +1050
            await player.perform(.step)
            #expect(await fold.state.lastTime == s + 1_100)
            #expect(await player.status().time == s + 1_100)
            // ×4: one real second plays four recorded seconds.
            await player.perform(.faster)
            await player.perform(.faster)
            #expect(await player.status().speed == 4)
            await player.perform(.resume)
            clock.advance(by: .milliseconds(1_000))
            try await waitUntil { await fold.state.lastTime == s + 5_100 && clock.sleeping == 1 }
            // The ladder ends at ×64 and ×0.25.
            for _ in 0..<12 { await player.perform(.faster) }
            #expect(await player.status().speed == 64)
            for _ in 0..<12 { await player.perform(.slower) }
            #expect(await player.status().speed == 0.25)
        }
    }

    @Test("the replay clock: paused it stands, speed changes keep the time reached, seeks move it")
    func timeline() {
        let clock = ManualClock()
        var timeline = ReplayTimeline(start: 1_000, at: clock.now)
        clock.advance(by: .milliseconds(500))
        #expect(timeline.time(at: clock.now) == 1_500)
        timeline.faster(at: clock.now)
        clock.advance(by: .milliseconds(500))
        #expect(timeline.time(at: clock.now) == 2_500)
        #expect(timeline.due(3_500) == clock.now.advanced(by: .milliseconds(500)))
        timeline.pause(at: clock.now)
        clock.advance(by: .seconds(10))
        #expect(timeline.time(at: clock.now) == 2_500)
        #expect(timeline.due(3_000) == nil)
        timeline.seek(to: 10_000, at: clock.now)
        timeline.resume(at: clock.now)
        clock.advance(by: .milliseconds(100))
        #expect(timeline.time(at: clock.now) == 10_200)
    }
}
