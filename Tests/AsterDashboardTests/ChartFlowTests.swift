import AsterKit
import AsterTestSupport
import Testing

@testable import AsterDashboard

func flowCandle(_ i: Int64, volume: String, quote: String, takerBuy: String, low: String = "98", high: String = "104") -> Candle {
    Candle(openTime: i * 60_000, open: dec(low), high: dec(high), low: dec(low), close: dec(high), volume: dec(volume),
           closeTime: i * 60_000 + 59_999, quoteVolume: dec(quote), tradeCount: 3, takerBuyVolume: dec(takerBuy),
           takerBuyQuoteVolume: .zero)
}

/// Three candles: 2 at 100 (1.5 bought), 3 at 103 (1 bought), 1 at 98.5 (none bought).
let flowCandles = [flowCandle(0, volume: "2", quote: "200", takerBuy: "1.5", low: "99.5", high: "100.5"),
                   flowCandle(1, volume: "3", quote: "309", takerBuy: "1", low: "102.5", high: "103.5"),
                   flowCandle(2, volume: "1", quote: "98.5", takerBuy: "0", low: "98.1", high: "98.9")]

@Suite("Trade flow on the chart and in the tape: VWAP, CVD, large trades")
struct ChartFlowTests {
    @Test("VWAP and CVD by hand")
    func byHand() {
        let points = ChartFlow.series(flowCandles)
        // VWAP: 200/2 = 100; 509/5 = 101.8; 607.5/6 = 101.25.
        #expect(points.map(\.vwap) == [dec("100"), dec("101.8"), dec("101.25")])
        // Delta = 2·buy − volume: 1, −1, −1; CVD 1, 0, −1.
        #expect(points.map(\.delta) == ["1", "-1", "-1"].map(dec))
        #expect(points.map(\.cvd) == ["1", "0", "-1"].map(dec))
        // Exact where a Double is not: 0.1 + 0.2 of volume at 0.3 quote.
        let exact = ChartFlow.series([flowCandle(0, volume: "0.1", quote: "0.01", takerBuy: "0.1"),
                                      flowCandle(1, volume: "0.2", quote: "0.02", takerBuy: "0")])
        #expect(exact.last?.vwap == dec("0.1") && exact.last?.cvd == dec("-0.1"))
        // No volume: no VWAP (never a division by zero).
        #expect(ChartFlow.series([flowCandle(0, volume: "0", quote: "0", takerBuy: "0")]).first?.vwap == nil)
    }

    @Test("the chart draws the VWAP line and the CVD strip, with both on the bottom line")
    func onTheChart() {
        var s = DashboardSnapshot()
        s.klines = flowCandles
        let grid = DashboardRenderer(layout: .single(.chart)).render(s, width: 80, height: 20)
        let lines = grid.lines
        #expect(lines[18].contains("VWAP 101.25") && lines[18].contains("CVD -1.00"))
        // The strip's row ends with the latest CVD on the axis ("Δ " when the axis has room).
        #expect(lines.contains { $0.hasSuffix(" -1.00│") })
        #expect(grid.cells.contains { $0.character == "•" && $0.style == CellStyle(.magenta, bold: true) })
        // The strip: rising CVD up-coloured, falling down-coloured.
        let strip = try? #require(lines.firstIndex { $0.hasSuffix(" -1.00│") })
        if let strip {
            let row = (0..<80).map { grid[$0, strip] }.filter { "▁▂▃▄▅▆▇█".contains($0.character) }
            #expect(row.map(\.style.color) == [.up, .down, .down])
        }
    }

    @Test("large trades: 10× the median by default, a multiple or a per-symbol size from the config; starred in the tape")
    func largeTrades() async throws {
        let config = try DashboardConfig.parse("[tape]\nlarge_multiple = 3\n[tape.large_size]\nETHUSDT = \"2.5\"\n", file: "c.toml")
        #expect(config.largeTrades == LargeTradeRule(multiple: 3, sizes: ["ETHUSDT": dec("2.5")]))
        #expect(try DashboardConfig.parse(config.tomlText, file: "c.toml").largeTrades == config.largeTrades)
        #expect(DashboardConfig().tomlText.contains("large_multiple = \"10\""))
        for (text, reason) in [("[tape]\nlarge_multiple = 0\n", "tape.large_multiple must be positive"),
                               ("[tape]\nlarge = 2\n", "unknown key \"large\" in [tape]"),
                               ("[tape.large_size]\nBTCUSDT = \"-1\"\n", "tape.large_size.BTCUSDT must be positive")] {
            #expect(throws: ConfigError.self) { try DashboardConfig.parse(text, file: "c.toml") }
            do { _ = try DashboardConfig.parse(text, file: "c.toml") } catch { #expect(error.reason.contains(reason), "\(error)") }
        }
        // Median of 1 1 1 … 2 (21 trades) is 1: with a multiple of 3, 3 is large and 2.9 is not.
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", largeTrades: config.largeTrades)
        for i in 0..<20 { await model.apply(gridTrade("BTCUSDT", "1", buy: true, at: Int64(i)), receivedAt: 0) }
        await model.apply(gridTrade("BTCUSDT", "2", buy: true, at: 20), receivedAt: 0)
        #expect(await model.snapshot(now: 0).largeTrade == nil)   // set on the tick, not per trade
        await model.tick(now: 1_000)
        #expect(await model.snapshot(now: 0).largeTrade == dec("3"))
        await model.apply(gridTrade("BTCUSDT", "2.9", buy: true, at: 21), receivedAt: 0)
        await model.apply(gridTrade("BTCUSDT", "3", buy: false, at: 22), receivedAt: 0)
        let s = await model.snapshot(now: 0)
        let tape = DashboardRenderer(layout: .single(.trades)).render(s, width: 40, height: 10).lines
        #expect(tape.contains { $0.contains("3.0") && $0.hasSuffix("*│") })
        #expect(tape.contains { $0.contains("2.9") && !$0.contains("*") })
        // A per-symbol size wins over the multiple.
        let eth = DashboardModel(mode: .demo, symbol: "ETHUSDT", largeTrades: config.largeTrades)
        await eth.apply(gridTrade("ETHUSDT", "1", buy: true), receivedAt: 0)
        await eth.tick(now: 1_000)
        #expect(await eth.snapshot(now: 0).largeTrade == dec("2.5"))
        // The median of an even count is the mean of the middle two.
        #expect(LargeTrades.median(["1", "2", "4", "8"].map(dec)) == dec("3"))
    }
}
