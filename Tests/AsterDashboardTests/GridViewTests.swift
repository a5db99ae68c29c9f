import AsterKit
import AsterTestSupport
import Testing

@testable import AsterDashboard

/// A model with tickers for `symbols` (last prices 1, 2, 3…; every other one falling).
func gridModel(_ symbols: [String], focus: String? = nil) async throws -> DashboardModel {
    let model = DashboardModel(mode: .demo, symbol: focus ?? symbols[0])
    guard case .ticker(let template) = try decode(try fixture("ticker")).event else { throw Unexpected() }
    for (i, symbol) in symbols.enumerated() {
        var t = template
        t.symbol = symbol
        t.lastPrice = ExactDecimal(i + 1)
        t.priceChangePercent = i % 2 == 0 ? dec("1.25") : dec("-0.5")
        await model.apply(.ticker(t), receivedAt: 0)
    }
    return model
}

func gridTrade(_ symbol: String, _ quantity: String, buy: Bool, at time: Int64 = 1) -> AsterEvent {
    .aggregateTrade(AggregateTrade(eventTime: time, symbol: symbol, aggregateTradeId: time, price: dec("10"), quantity: dec(quantity),
                                   firstTradeId: time, lastTradeId: time, tradeTime: time, buyerIsMaker: !buy))
}

func symbolNames(_ n: Int) -> [String] { (0..<n).map { "S\(String(format: "%03d", $0))USDT" } }

@Suite("Grid view: tiles, layout, navigation, flashes")
struct GridViewTests {
    static let sizes = [(80, 24), (120, 40), (200, 60)]

    @Test("the layout fills the terminal with tiles no smaller than the minimum, without overlap",
          arguments: [(80, 24), (120, 40), (200, 60)])
    func layout(width: Int, height: Int) throws {
        for count in [1, 2, 4, 7, 12, 30, 200] {
            let g = try #require(GridLayout.make(count: count, width: width, height: height))
            let shown = min(count, g.perPage)
            var covered = Set<Int>()
            var area = 0
            for i in 0..<shown {
                let r = g.rect(i, pageStart: 0)
                #expect(r.width >= GridLayout.minimumTile.width && r.height >= GridLayout.minimumTile.height, "\(count) at \(width)x\(height)")
                #expect(r.x >= 0 && r.y >= 1 && r.x + r.width <= width && r.y + r.height <= height - 1)
                for y in r.y..<(r.y + r.height) { for x in r.x..<(r.x + r.width) { covered.insert(y * width + x) } }
                area += r.width * r.height
            }
            #expect(covered.count == area, "tiles overlap: \(count) at \(width)x\(height)")
            // A full page covers the whole body; fewer tiles leave at most one row partly empty.
            if count >= g.perPage { #expect(area == width * (height - 2)) }
            #expect(g.columns * g.rows - shown < g.columns)
        }
        // The number of tiles a page holds grows with the terminal.
        #expect(GridLayout.make(count: 200, width: 80, height: 24)!.perPage == 3 * 4)
        #expect(GridLayout.make(count: 200, width: 200, height: 60)!.perPage == 9 * 11)
    }

    @Test("m opens the grid: every symbol of the page as a tile with price, change and funding", arguments: [(80, 24), (120, 40), (200, 60)])
    func rendering(width: Int, height: Int) async throws {
        let symbols = symbolNames(10)
        let model = try await gridModel(symbols)
        await model.apply(.markPrice(MarkPriceUpdate(eventTime: 0, symbol: symbols[1], markPrice: 2, indexPrice: 2, estimatedSettlePrice: 2,
                                                     fundingRate: dec("0.0001"), nextFundingTime: 0)), receivedAt: 0)
        #expect(KeyBindings.action(for: .character("m"), searching: false) == .toggleGrid)
        _ = await model.perform(.toggleGrid)
        await model.tick(now: 1_000)
        let s = await model.snapshot(now: 1_000)
        #expect(s.showGrid && s.tiles.map(\.symbol) == symbols && s.tiles[1].funding == dec("0.0001"))
        let screen = DashboardRenderer().render(s, width: width, height: height).lines
        let text = screen.joined(separator: "\n")
        let layout = try #require(GridLayout.make(count: 10, width: width, height: height))
        for symbol in symbols.prefix(layout.perPage) { #expect(text.contains(symbol), "\(symbol) at \(width)x\(height)") }
        #expect(screen[0].contains("ASTER") && screen[height - 1].contains("10 symbols"))
        #expect(text.contains("+1.25%") && text.contains("-0.50%") && text.contains("f 0.0100%"))
        #expect(!text.contains("Watchlist") && !text.contains("Book "))
        _ = await model.perform(.toggleGrid)
        #expect(await !model.snapshot(now: 0).showGrid)
    }

    @Test("arrows move between tiles (↑↓ by a row), Enter focuses the symbol in the full layout")
    func navigation() async throws {
        let symbols = symbolNames(10)
        let model = try await gridModel(symbols)
        _ = await model.perform(.toggleGrid)
        let renderer = DashboardRenderer()
        var s = await model.snapshot(now: 0)
        let layout = try #require(GridLayout.make(count: 10, width: 120, height: 40))
        let down = try #require(renderer.gridAction(.moveFocus(1), snapshot: s, width: 120, height: 40))
        #expect(down == .selectTile(layout.columns))
        _ = await model.perform(down)
        _ = await model.perform(.moveSideways(1))
        s = await model.snapshot(now: 0)
        #expect(s.gridCursor == layout.columns + 1)
        #expect(renderer.gridAction(.moveFocus(-1), snapshot: s, width: 120, height: 40) == .selectTile(1))
        #expect(KeyBindings.action(for: .enter, searching: false) == .activate)
        let effects = await model.perform(.activate)
        let chosen = symbols[layout.columns + 1]
        s = await model.snapshot(now: 0)
        #expect(!s.showGrid && s.symbol == chosen)
        #expect(effects.contains(.loadHistory(symbol: chosen, interval: .oneMinute)))
        // The grid's trade streams close with it.
        guard case .resubscribe(let closed, let opened)? = effects.first else { Issue.record("no stream change"); return }
        #expect(opened.isEmpty && closed.count == 9 && !closed.contains(.aggTrade(symbol: symbols[0].lowercased())))
    }

    @Test("the grid opens its tiles' trade streams (not the focused one's) and closes them with Esc")
    func streams() async throws {
        let symbols = symbolNames(3)
        let model = try await gridModel(symbols)
        let open = await model.perform(.toggleGrid)
        #expect(open == [.resubscribe(unsubscribe: [], subscribe: symbols.dropFirst().map { .aggTrade(symbol: $0.lowercased()) })])
        let close = await model.perform(.dismiss)
        #expect(close == [.resubscribe(unsubscribe: symbols.dropFirst().map { .aggTrade(symbol: $0.lowercased()) }, subscribe: [])])
        #expect(await !model.snapshot(now: 0).showGrid)
    }

    @Test("a tile flashes after a large trade or a liquidation, for two seconds")
    func flashes() async throws {
        let symbols = symbolNames(3)
        let model = try await gridModel(symbols)
        _ = await model.perform(.toggleGrid)
        for i in 0..<20 { await model.apply(gridTrade(symbols[1], "1", buy: true, at: Int64(i)), receivedAt: 100) }
        await model.tick(now: 200)   // the threshold (10 × median 1) is set on the tick
        #expect(await model.snapshot(now: 300).tiles[1].flash == nil)
        await model.apply(gridTrade(symbols[1], "9.9", buy: true), receivedAt: 300)
        #expect(await model.snapshot(now: 300).tiles[1].flash == nil)
        await model.apply(gridTrade(symbols[1], "10", buy: false), receivedAt: 400)
        var s = await model.snapshot(now: 500)
        #expect(s.tiles[1].flash == .largeSell)
        let text = DashboardRenderer().render(s, width: 120, height: 40).lines.joined()
        #expect(text.contains("LARGE SELL"))
        #expect(await model.snapshot(now: 2_401).tiles[1].flash == nil)
        var liquidation = try decode(try fixture("forceOrder")).event
        if case .liquidation(var l) = liquidation { l.symbol = symbols[2]; liquidation = .liquidation(l) }
        await model.apply(liquidation, receivedAt: 3_000)
        s = await model.snapshot(now: 3_500)
        #expect(s.tiles[2].flash == .liquidation)
        await model.tick(now: 5_001)
        #expect(await model.snapshot(now: 3_500).tiles[2].flash == nil)   // expired on the tick
    }

    @Test("sparklines: one point per 10 s on the tick, an hour at most, drawn newest on the right")
    func sparklines() async throws {
        let model = try await gridModel(["AUSDT"])
        _ = await model.perform(.toggleGrid)
        for i in 0..<(DashboardModel.sparkPoints + 40) { await model.tick(now: Int64(i) * 10_000) }
        await model.tick(now: 5)   // between points: nothing added
        let s = await model.snapshot(now: 0)
        #expect(s.tiles[0].spark.count == DashboardModel.sparkPoints + 1)   // an hour, plus the last price now
        var grid = CellGrid(width: 10, height: 2)
        GridView.sparkline(["1", "2", "3", "4"].map(dec), in: Rect(x: 0, y: 0, width: 10, height: 2), into: &grid, glyphs: .unicode)
        #expect(grid.lines == ["        ▃█", "      ▁▅██"])
        // More points than columns: each column is the last of its share.
        var wide = CellGrid(width: 2, height: 1)
        GridView.sparkline(["1", "9", "2", "5"].map(dec), in: Rect(x: 0, y: 0, width: 2, height: 1), into: &wide, glyphs: .unicode)
        #expect(wide.lines == ["█▁"])
    }
}
