import AsterTestSupport
import AsterDashboard
@testable import AsterKit
import Testing

@Suite("Connection status at a glance")
struct StatusBarTests {
    func bar(_ s: DashboardSnapshot) -> String { DashboardRenderer().render(s, width: 160, height: 40).lines[0] }

    func state(_ state: ConnectionState) -> StreamEvent {
        .state(ConnectionUpdate(connection: ConnectionID(shard: 0, generation: 1), state: state))
    }

    @Test("LIVE with the last frame's age, STALE when frames stop, RECONNECTING with the countdown and reason, OFFLINE")
    func states() async throws {
        let model = DashboardModel(mode: .live, symbol: "BTCUSDT")
        await model.apply(state(.connected), receivedAt: 1_000)
        #expect(bar(await model.snapshot(now: 1_000)).contains("CONNECTED, no data yet"))
        await model.apply(.message(try decode(try fixture("aggTrade"))), receivedAt: 2_000)
        #expect(bar(await model.snapshot(now: 2_400)).contains("LIVE 0.4s"))
        #expect(bar(await model.snapshot(now: 9_000)).contains("STALE 7.0s"))
        await model.apply(state(.disconnected(reason: "connection reset by peer")), receivedAt: 10_000)
        #expect(bar(await model.snapshot(now: 10_000)).contains("OFFLINE: connection reset by peer"))
        await model.apply(state(.reconnecting(attempt: 3, delay: .seconds(4))), receivedAt: 10_000)
        #expect(bar(await model.snapshot(now: 11_000)).contains("RECONNECTING #3 in 3.0s: connection reset by peer"))
        await model.apply(state(.stale), receivedAt: 20_000)
        #expect(bar(await model.snapshot(now: 32_000)).contains("STALE 30s"))
    }

    @Test("a REST failure shows with its reason until the request succeeds")
    func restFailures() async throws {
        let model = DashboardModel(mode: .live, symbol: "BTCUSDT")
        await model.noteREST("history", error: "HTTP 503")
        #expect(bar(await model.snapshot(now: 0)).contains("REST history failing: HTTP 503"))
        await model.noteREST("history", error: nil)
        #expect(!bar(await model.snapshot(now: 0)).contains("REST"))
    }
}

@Suite("Chart")
struct ChartTests {
    @Test("volume bars under the candles, a time axis, a tagged current-price line; c toggles candles and line")
    func chart() async throws {
        let s = try await awkwardSnapshot()
        let renderer = DashboardRenderer(layout: .single(.chart))
        let grid = renderer.render(s, width: 100, height: 24)
        let lines = grid.lines
        let text = lines.joined(separator: "\n")
        #expect(text.contains("┈"), "the current-price line\n\(text)")
        #expect(lines.contains { $0.range(of: #"\d\d:\d\d +\d\d:\d\d"#, options: .regularExpression) != nil }, "a time axis\n\(text)")
        #expect(text.contains("▁") || text.contains("▂") || text.contains("▃") || text.contains("█"), "volume bars")
        #expect(text.contains("V 12.3K"), "the largest volume on the axis\n\(text)")
        // The tag shows the last close, reversed.
        let close = s.klines.last!.close.formatted(fractionDigits: 1)
        #expect(grid.cells.contains { $0.style.reverse } && text.contains(close))
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        _ = await model.perform(KeyMap.standard.action(for: .character("c"), searching: false)!)
        #expect(await model.snapshot(now: 0).chartStyle == .line)
        var line = s
        line.chartStyle = .line
        #expect(renderer.render(line, width: 100, height: 24).lines.joined().contains("●"))
    }
}

@Suite("Book cursor")
struct BookCursorTests {
    @Test("with the book focused, ↑↓ move a cursor across the spread and read out size, notional and distance from mid")
    func cursor() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        await model.setSymbolInfo([symbolInfo("BTCUSDT", tick: "0.01", step: "0.000001")])
        await model.apply(try decode(try fixture("depthPartial")).event, receivedAt: 0)
        _ = await model.perform(KeyMap.standard.action(for: .tab, searching: false)!)
        #expect(await model.snapshot(now: 0).paneFocus == .book)
        _ = await model.perform(.moveFocus(1))
        _ = await model.perform(.moveFocus(1))
        var s = await model.snapshot(now: 0)
        #expect(s.bookCursor == 2)
        let bids = s.bids.prefix(2)
        let size = bids.reduce(ExactDecimal.zero) { $0 + $1.quantity }
        var text = DashboardRenderer(layout: .single(.book)).render(s, width: 70, height: 20).lines.joined(separator: "\n")
        #expect(text.contains("bid 2") && text.contains("cum \(size.formatted(fractionDigits: 6))") && text.contains("ticks"), "\(text)")
        // Up three times: across the spread to the second ask (the cursor never rests on the spread).
        for _ in 0..<3 { _ = await model.perform(.moveFocus(-1)) }
        s = await model.snapshot(now: 0)
        #expect(s.bookCursor == -2)
        text = DashboardRenderer(layout: .single(.book)).render(s, width: 70, height: 20).lines.joined(separator: "\n")
        #expect(text.contains("ask 2"))
        _ = await model.perform(.dismiss)
        #expect(await model.snapshot(now: 0).bookCursor == nil)
    }
}
