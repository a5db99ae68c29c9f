import AsterKit
import AsterTestSupport
import Testing

@testable import AsterDashboard

@Suite("Trade flow: VWAP, buy and sell volume, delta over sliding windows")
struct TradeFlowTests {
    func trade(_ time: Int64, _ price: String, _ quantity: String, buy: Bool) -> AggregateTrade {
        AggregateTrade(eventTime: time, symbol: "BTCUSDT", aggregateTradeId: time, price: dec(price), quantity: dec(quantity),
                       firstTradeId: time, lastTradeId: time, tradeTime: time, buyerIsMaker: !buy)
    }

    @Test("by hand: three trades in a minute")
    func byHand() {
        var flow = TradeFlow()
        flow.add(trade(1_000, "100", "2", buy: true))
        flow.add(trade(2_000, "101.5", "1", buy: false))
        flow.add(trade(3_000, "99", "0.5", buy: true))
        let m = flow.stats(.oneMinute)
        // Σpq = 200 + 101.5 + 49.5 = 351, Σq = 3.5: VWAP 100.2857142857 (10 digits, truncated).
        #expect(m.vwap == dec("100.2857142857"))
        #expect(m.buyVolume == dec("2.5") && m.sellVolume == dec("1") && m.buyCount == 2 && m.sellCount == 1)
        #expect(m.ratio == dec("2.5") && m.delta == dec("1.5"))
    }

    @Test("trades leave each window as it slides; longer windows keep them")
    func sliding() {
        var flow = TradeFlow()
        flow.add(trade(0, "100", "1", buy: true))
        flow.add(trade(31_000, "110", "1", buy: false))
        flow.add(trade(90_000, "120", "3", buy: true))   // the first leaves the 1-minute window
        let minute = flow.stats(.oneMinute)
        #expect(minute.buyVolume == dec("3") && minute.sellVolume == dec("1") && minute.buyCount == 1)
        #expect(minute.vwap == dec("117.5"))   // (110 + 360) / 4
        let five = flow.stats(.fiveMinutes)
        #expect(five.buyVolume == dec("4") && five.sellCount == 1 && five.vwap == dec("114"))   // 570 / 5
        flow.add(trade(400_000, "130", "1", buy: false))   // every earlier trade leaves the 5-minute window
        let later = flow.stats(.fiveMinutes)
        #expect(later.buyVolume.isZero && later.sellVolume == dec("1") && later.ratio == .zero && later.delta == dec("-1"))
        #expect(flow.stats(.oneHour).buyCount == 2 && flow.stats(.oneHour).sellCount == 2)
    }

    @Test("absurd sizes are left out and counted; no sum overflows; exact with 18-digit inputs")
    func absurd() {
        var flow = TradeFlow()
        flow.add(trade(1, "999999999999999999", "999999999999999999", buy: true))
        flow.add(trade(2, "0.000000000000001", "1", buy: false))
        #expect(flow.rejected == 1)
        #expect(flow.stats(.oneMinute).sellVolume == dec("1") && flow.stats(.oneMinute).buyCount == 0)
    }

    @Test("the model keeps the focused symbol's flow; v cycles the window; the trades pane shows it")
    func inTheDashboard() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        await model.apply(.aggregateTrade(trade(1_000, "100", "2", buy: true)), receivedAt: 0)
        await model.apply(.aggregateTrade(trade(2_000, "101.5", "1", buy: false)), receivedAt: 0)
        var s = await model.snapshot(now: 0)
        #expect(s.flowWindow == .fiveMinutes && s.flow?.buyVolume == dec("2") && s.flow?.sellVolume == dec("1"))
        _ = await model.perform(.cycleFlowWindow)
        s = await model.snapshot(now: 0)
        #expect(s.flowWindow == .fifteenMinutes && s.flow?.window == .fifteenMinutes)
        let text = DashboardRenderer(layout: .single(.trades)).render(s, width: 80, height: 20).lines.joined(separator: "\n")
        #expect(text.contains("15m vwap 100.5") && text.contains("buy 2.00 (1)") && text.contains("b/s 2") && text.contains("Δ +1.00"),
                "\(text)")
    }
}
