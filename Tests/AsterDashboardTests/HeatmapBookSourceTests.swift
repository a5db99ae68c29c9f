import AsterKit
import AsterTestSupport
import Testing

@testable import AsterDashboard

/// `count` levels a side around 100 (tick 0.1): bids 100.0 down, asks 100.1 up, quantity 1 each
/// (`quantity` for the levels past the 20th).
func bookLevels(_ count: Int, deepQuantity quantity: ExactDecimal = 1) -> (bids: [PriceLevel], asks: [PriceLevel]) {
    let bids = (0..<count).map { PriceLevel(price: ExactDecimal(mantissa: 1_000 - Int64($0), scale: 1), quantity: $0 < 20 ? 1 : quantity) }
    let asks = (0..<count).map { PriceLevel(price: ExactDecimal(mantissa: 1_001 + Int64($0), scale: 1), quantity: $0 < 20 ? 1 : quantity) }
    return (bids, asks)
}

/// The partial-depth stream's event with the best 20 levels of ``bookLevels(_:deepQuantity:)``.
func partialDepth(_ symbol: String = "BTCUSDT") -> AsterEvent {
    let book = bookLevels(20)
    return .depth(DepthUpdate(eventTime: 0, transactionTime: 0, symbol: symbol, firstUpdateId: 1, finalUpdateId: 2,
                              previousFinalUpdateId: 0, bids: book.bids, asks: book.asks))
}

@Suite("Depth heatmap: the synchronised local book or the top 20, and which")
struct HeatmapBookSourceTests {
    @Test("given a live book the heatmap samples its deeper levels; otherwise the top 20; the title and legend say which")
    func source() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", localBook: true)
        await model.apply(partialDepth(), receivedAt: 0)
        #expect(await model.snapshot(now: 0).localBook == .syncing)
        // Still syncing: the top 20 of the partial-depth stream.
        await model.tick(now: 1_000, book: LocalBookSample(symbol: "BTCUSDT", state: .syncing))
        var s = await model.snapshot(now: 0)
        let partial = try #require(s.heatmap.sample(age: 0))
        #expect(partial.source == .top20 && partial.bids.count == 20 && partial.asks.count == 20)
        #expect(HeatmapPane.sourceLabel(s) == "book: top 20, syncing")
        var screen = DashboardRenderer(layout: .single(.heatmap), heatColors: true).render(s, width: 80, height: 20)
        #expect(screen.lines[1].contains("Heatmap BTCUSDT  book: top 20, syncing"))
        // Live: 50 levels a side, the 30 past the top 20 with 5 each.
        let deep = bookLevels(50, deepQuantity: 5)
        await model.tick(now: 2_000, book: LocalBookSample(symbol: "BTCUSDT", state: .live, bids: deep.bids, asks: deep.asks))
        s = await model.snapshot(now: 0)
        let synced = try #require(s.heatmap.sample(age: 0))
        #expect(synced.source == .synced && synced.bids.count == 50 && synced.asks.last?.price == dec("105"))
        #expect(s.localBook == .live && HeatmapPane.sourceLabel(s) == "book: synced")
        // The cells: the newest column holds every synced level (20 + 30·5 a side), the older one the top 20.
        let c = try #require(HeatmapPane.cells(s, columns: 2, rows: 30))
        let columnTotal = { (column: Int) in stride(from: column, to: c.quantity.count, by: 2).reduce(ExactDecimal.zero) { $0 + c.quantity[$1] } }
        #expect(columnTotal(1) == dec("340") && columnTotal(0) == dec("40"))
        // The view reaches the synced book's deepest levels (95.1 and 105.0), beyond the top 20's 98.1…102.0.
        #expect(c.prices.first.map { $0 >= dec("105") } == true && c.prices.last.map { $0 <= dec("95.1") } == true)
        screen = DashboardRenderer(layout: .single(.heatmap), heatColors: true).render(s, width: 80, height: 20)
        #expect(screen.lines[1].contains("Heatmap BTCUSDT  book: synced"))
        // The older column came from the top 20: the legend says so.
        #expect(screen.lines[18].contains("top 20 until 00:00:01"))
        // Scrolled back onto that column, the title says top 20.
        _ = await model.perform(.scrollHeatmap(1))
        #expect(HeatmapPane.sourceLabel(await model.snapshot(now: 0)) == "book: top 20")
        _ = await model.perform(.heatmapLive)
        // A resync: back to the top 20, and the title says why.
        await model.tick(now: 3_000, book: LocalBookSample(symbol: "BTCUSDT", state: .resyncing, bids: deep.bids, asks: deep.asks))
        s = await model.snapshot(now: 0)
        #expect(s.heatmap.sample(age: 0)?.source == .top20 && s.heatmap.sample(age: 0)?.bids.count == 20)
        #expect(HeatmapPane.sourceLabel(s) == "book: top 20, resyncing")
    }

    @Test("the book is read only on the tick that samples (once a second)")
    func due() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", localBook: true)
        #expect(await model.heatmapSampleDue(now: 1_000))
        await model.tick(now: 1_000)
        #expect(await model.heatmapSampleDue(now: 1_500) == false)
        #expect(await model.heatmapSampleDue(now: 2_000))
        // A replay's seek back: due again.
        #expect(await model.heatmapSampleDue(now: 10))
    }

    @Test("without a local book (a replay) the heatmap draws the top 20 and says so")
    func replay() async throws {
        let model = DashboardModel(mode: .replay, symbol: "BTCUSDT")
        #expect(await model.focusedStreams.allSatisfy { if case .diffDepth = $0 { false } else { true } })
        await model.apply(partialDepth(), receivedAt: 0)
        await model.tick(now: 1_000)
        let s = await model.snapshot(now: 0)
        #expect(s.localBook == nil && s.heatmap.sample(age: 0)?.source == .top20 && HeatmapPane.sourceLabel(s) == "book: top 20")
    }

    @Test("a symbol switch drops the old symbol's book: its streams go, the new symbol's come, its levels are never drawn")
    func switchDropsOldBook() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", localBook: true)
        #expect(await model.focusedStreams.contains(.diffDepth(symbol: "btcusdt", speed: .ms100)))
        await model.apply(try decode(try fixture("tickerArr")).event, receivedAt: 0)
        var eth = try decode(try fixture("ticker")).event
        if case .ticker(var t) = eth { t.symbol = "ETHUSDT"; eth = .ticker(t) }
        await model.apply(eth, receivedAt: 0)
        let deep = bookLevels(50)
        let btcBook = LocalBookSample(symbol: "BTCUSDT", state: .live, bids: deep.bids, asks: deep.asks)
        await model.tick(now: 1_000, book: btcBook)
        #expect(await model.snapshot(now: 0).localBook == .live)
        let effects = await model.perform(.moveFocus(1))
        #expect(effects.first == .resubscribe(
            unsubscribe: DashboardModel.symbolStreams("BTCUSDT", interval: .oneMinute, localBook: true),
            subscribe: DashboardModel.symbolStreams("ETHUSDT", interval: .oneMinute, localBook: true)))
        #expect(DashboardModel.symbolStreams("ETHUSDT", interval: .oneMinute, localBook: true).last == .diffDepth(symbol: "ethusdt", speed: .ms100))
        var s = await model.snapshot(now: 0)
        #expect(s.symbol == "ETHUSDT" && s.localBook == .syncing && s.heatmap.count == 0)
        // The old symbol's book, read just before the switch, is not sampled for the new one.
        await model.tick(now: 2_000, book: btcBook)
        s = await model.snapshot(now: 0)
        #expect(s.heatmap.count == 0 && s.localBook == .syncing)
        await model.apply(partialDepth("ETHUSDT"), receivedAt: 0)
        await model.tick(now: 3_000, book: btcBook)
        s = await model.snapshot(now: 0)
        #expect(s.heatmap.count == 1 && s.heatmap.sample(age: 0)?.source == .top20 && s.heatmap.sample(age: 0)?.bids.count == 20)
    }

    @Test("diff-depth messages are changes for the local book, never the book pane's levels")
    func diffsIgnored() async throws {
        #expect(DashboardModel.isDiffDepthStream("btcusdt@depth") && DashboardModel.isDiffDepthStream("btcusdt@depth@100ms"))
        #expect(!DashboardModel.isDiffDepthStream("btcusdt@depth20@100ms") && !DashboardModel.isDiffDepthStream("btcusdt@depth5"))
        #expect(!DashboardModel.isDiffDepthStream("btcusdt@aggTrade"))
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", localBook: true)
        await model.apply(.message(StreamMessage(stream: "btcusdt@depth20@100ms", event: partialDepth())), receivedAt: 0)
        let diff = DepthUpdate(eventTime: 0, transactionTime: 0, symbol: "BTCUSDT", firstUpdateId: 3, finalUpdateId: 4,
                               previousFinalUpdateId: 2, bids: [PriceLevel(price: dec("100.0"), quantity: .zero)], asks: [])
        await model.apply(.message(StreamMessage(stream: "btcusdt@depth@100ms", event: .depth(diff))), receivedAt: 0)
        let s = await model.snapshot(now: 0)
        #expect(s.bids.count == 20 && s.bids.first?.price == dec("100.0"))
    }
}
