import AsterKit
import AsterTestSupport
import Testing

@testable import AsterDashboard

func levels(_ pairs: [(String, String)]) -> [PriceLevel] { pairs.map { PriceLevel(price: dec($0.0), quantity: dec($0.1)) } }

/// Three book states a second apart (tick 0.1), with a taker buy before the first and a taker sell
/// before the second.
func knownHeatmap() -> DashboardSnapshot {
    var s = DashboardSnapshot()
    s.symbol = "BTCUSDT"
    s.precisions["BTCUSDT"] = SymbolPrecision(price: 1, quantity: 3)
    var history = HeatmapHistory(capacity: 8)
    history.record(time: 1_000, bids: levels([("100.0", "1"), ("99.9", "2")]), asks: levels([("100.1", "3"), ("100.2", "4")]),
                   buy: TradeMark(quantity: dec("0.5"), price: dec("100.1"), largest: dec("0.5")), sell: .none)
    history.record(time: 2_000, bids: levels([("100.0", "2"), ("99.9", "2")]), asks: levels([("100.1", "1"), ("100.3", "5")]),
                   buy: .none, sell: TradeMark(quantity: dec("2"), price: dec("100.0"), largest: dec("2")))
    history.record(time: 3_000, bids: levels([("100.1", "1"), ("100.0", "6")]), asks: levels([("100.2", "2")]), buy: .none, sell: .none)
    s.heatmap = history
    return s
}

@Suite("Depth heatmap: samples, cells, rendering")
struct HeatmapTests {
    @Test("the ring keeps the newest samples in bounded storage; reset forgets them")
    func ring() {
        var h = HeatmapHistory(capacity: 3)
        for t in 1...5 { h.record(time: Int64(t), bids: levels([("\(t)", "1")]), asks: [], buy: .none, sell: .none) }
        #expect(h.count == 3 && h.recorded == 5)
        #expect(h.sample(age: 0)?.time == 5 && h.sample(age: 2)?.time == 3 && h.sample(age: 3) == nil)
        #expect(h.sample(age: 0)?.bestBid == dec("5") && h.sample(age: 0)?.bestAsk == nil)
        // More than 20 levels: the best 20 are kept.
        h.record(time: 6, bids: (0..<30).map { PriceLevel(price: ExactDecimal(100 - $0), quantity: 1) }, asks: [], buy: .none, sell: .none)
        #expect(h.sample(age: 0)?.bids.count == h.levelsPerSide && h.levelsPerSide == HeatmapHistory.partialLevels && h.sample(age: 0)?.bids.last?.price == dec("81"))
        h.reset()
        #expect(h.count == 0 && h.sample(age: 0) == nil)
    }

    @Test("cells from a known sequence of book states, by hand")
    func cellsByHand() throws {
        let c = try #require(HeatmapPane.cells(knownHeatmap(), columns: 3, rows: 5))
        // Centred on the newest mid (100.15, in the 100.1 row), one tick a row: rows 100.3 … 99.9.
        #expect(c.prices == ["100.3", "100.2", "100.1", "100", "99.9"].map(dec))
        // Columns oldest to newest; each cell the resting quantity at that price and moment.
        #expect(c.quantity == ["0", "5", "0",
                               "4", "0", "2",
                               "3", "1", "1",
                               "1", "2", "6",
                               "2", "2", "0"].map(dec))
        #expect(c.maximum == dec("6"))
        #expect(c.bidRow == [3, 3, 2] && c.askRow == [2, 2, 1])
        // The sell (2) is the largest mark; the buy (0.5) is a quarter of it: small.
        #expect(c.marks.map { [$0.column, $0.row, $0.size] } == [[0, 2, 0], [1, 3, 2]])
        #expect(c.marks.map(\.buy) == [true, false])
        // The ramp: square root of the share of the maximum, in six steps.
        #expect([c.level(2, 3), c.level(1, 0), c.level(0, 1), c.level(0, 2), c.level(1, 3), c.level(0, 3), c.level(0, 0)]
                == [6, 6, 5, 5, 4, 3, 0])
    }

    @Test("g/G zoom in price: a coarser step merges levels into one row")
    func zoom() throws {
        var s = knownHeatmap()
        s.grouping = dec("0.2")
        let c = try #require(HeatmapPane.cells(s, columns: 3, rows: 5))
        #expect(c.prices == ["100.4", "100.2", "100", "99.8", "99.6"].map(dec))
        // Newest column: 100.1 and 100.0 share the 100.0 row (1 + 6); 100.2 alone.
        #expect(c.quantity[2 * 3 + 2] == dec("7") && c.quantity[1 * 3 + 2] == dec("2"))
    }

    @Test("without a grouping, the step fits the newest book and every best bid and ask shown (1, 2, 5, 10, 25… ticks)")
    func autoStep() throws {
        var s = knownHeatmap()
        var h = HeatmapHistory(capacity: 2)
        // Bids 100.0 … 95.0, asks 100.1 … 105.0: a 10-unit book, 100 ticks, in 10 rows: 2.5 a row.
        h.record(time: 1, bids: levels([("100.0", "1"), ("95.0", "1")]), asks: levels([("100.1", "1"), ("105.0", "1")]), buy: .none, sell: .none)
        s.heatmap = h
        let c = try #require(HeatmapPane.cells(s, columns: 1, rows: 10))
        #expect(c.prices[0] - c.prices[1] == dec("2.5"))
        #expect(c.quantity.reduce(ExactDecimal.zero, +) == dec("4"))   // every level in view
        // A best bid far below, a minute ago: the view widens to keep it.
        h = HeatmapHistory(capacity: 3)
        h.record(time: 0, bids: levels([("60.0", "1")]), asks: levels([("60.1", "1")]), buy: .none, sell: .none)
        h.record(time: 1, bids: levels([("100.0", "1"), ("95.0", "1")]), asks: levels([("100.1", "1"), ("105.0", "1")]), buy: .none, sell: .none)
        s.heatmap = h
        let wide = try #require(HeatmapPane.cells(s, columns: 2, rows: 10))
        #expect(wide.prices[0] - wide.prices[1] == dec("5") && wide.bidRow[0] != nil && wide.askRow[1] != nil)
        s.grouping = dec("0.5")   // g/G: the grouping wins
        let grouped = try #require(HeatmapPane.cells(s, columns: 1, rows: 10))
        #expect(grouped.prices[0] - grouped.prices[1] == dec("0.5"))
    }

    @Test("scrolled back, the right edge is an older sample")
    func scrolled() throws {
        var s = knownHeatmap()
        s.heatmapScroll = 1
        let c = try #require(HeatmapPane.cells(s, columns: 3, rows: 5))
        // The newest column is now the 2 s sample; the first column has no sample.
        #expect(c.quantity[0] == .zero && c.quantity[3 * 3 + 2] == dec("2") && c.bidRow[0] == nil)
    }

    @Test("rendering: ramp colours from 256 colours, shades below; lines, marks, axis and legend")
    func rendering() throws {
        let s = knownHeatmap()
        for colors in [true, false] {
            let renderer = DashboardRenderer(layout: .single(.heatmap), glyphs: .unicode, heatColors: colors)
            let grid = renderer.render(s, width: 60, height: 12)
            let lines = grid.lines
            #expect(lines[1].contains("Heatmap BTCUSDT"))
            // Inner area from (1, 2): 7 price rows around 100.1 (row 3), axis 6 wide: 52 columns.
            let newest = 1 + 51
            let row100 = 2 + 4
            #expect(grid[newest, row100] == Cell(character: "█", style: CellStyle(.heat6)))
            #expect(grid[newest, 2 + 3] == Cell(character: "─", style: CellStyle(.up, bold: true)))     // best bid 100.1
            #expect(grid[newest, 2 + 2] == Cell(character: "─", style: CellStyle(.down, bold: true)))   // best ask 100.2
            #expect(grid[newest - 1, row100] == Cell(character: "●", style: CellStyle(.down, bold: true)))  // the sell
            #expect(lines[2 + 3].hasSuffix(" 100.1│"))
            #expect(lines[10].contains("6.000") && lines[10].contains("step 0.1") && lines[10].contains("bid") && lines[10].contains("now"))
            #expect(lines[9].contains("00:00:03"))
        }
        // Shades: the lightest and darkest steps differ in glyph, so monochrome still reads.
        let shaded = DashboardRenderer(layout: .single(.heatmap), glyphs: .ascii, heatColors: false).render(s, width: 60, height: 12)
        // 6 at 100.0 now: level 6; 2 at 99.9 two seconds ago: level 4; 4 at 100.2 then: level 5.
        #expect(shaded[52, 6].character == "@" && shaded[50, 7].character == "*" && shaded[50, 4].character == "#")
        #expect(shaded[50, 4].style.color == .heat5)
    }

    @Test("the model samples on the tick (once a second), not per event; memory is bounded; a new symbol starts over")
    func sampling() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        let depth = try decode(try fixture("depthPartial")).event
        await model.tick(now: 500)   // no book yet: nothing sampled
        #expect(await model.snapshot(now: 0).heatmap.count == 0)
        for i in 0..<50 { await model.apply(depth, receivedAt: Int64(i)) }
        await model.apply(try decode(try fixture("aggTrade")).event, receivedAt: 0)
        await model.tick(now: 1_000)
        await model.tick(now: 1_400)
        var s = await model.snapshot(now: 0)
        #expect(s.heatmap.count == 1)
        let first = try #require(s.heatmap.sample(age: 0))
        #expect(first.bids.count == 5 && first.time == 1_000)
        #expect(!first.buy.isEmpty || !first.sell.isEmpty)
        await model.tick(now: 2_000)
        s = await model.snapshot(now: 0)
        #expect(s.heatmap.count == 2 && s.heatmap.sample(age: 0)?.buy.isEmpty == true && s.heatmap.sample(age: 0)?.sell.isEmpty == true)
        for second in 3...(DashboardModel.heatmapSamples + 20) { await model.tick(now: Int64(second) * 1_000) }
        #expect(await model.snapshot(now: 0).heatmap.count == DashboardModel.heatmapSamples)
        // Scroll: ← goes back 10 samples, stays on its moment as samples arrive; End returns.
        _ = await model.perform(.moveSideways(-1))
        #expect(await model.snapshot(now: 0).heatmapScroll == 10)
        await model.tick(now: 10_000_000)
        #expect(await model.snapshot(now: 0).heatmapScroll == 11)
        _ = await model.perform(.moveSideways(1))
        #expect(await model.snapshot(now: 0).heatmapScroll == 1)
        _ = await model.perform(.heatmapLive)
        #expect(await model.snapshot(now: 0).heatmapScroll == 0)
        _ = await model.perform(.selectRow(0))   // no watchlist: nothing happens
        _ = await model.perform(.searchCommit)
        #expect(await model.snapshot(now: 0).heatmap.count == DashboardModel.heatmapSamples)
    }

    @Test("ticks on a replay clock that goes back (a seek) keep sampling from there, a second of the recording per column")
    func clockGoingBack() async throws {
        let model = DashboardModel(mode: .replay, symbol: "BTCUSDT")
        let depth = try decode(try fixture("depthPartial")).event
        await model.apply(depth, receivedAt: 0)
        for second in 100...104 { await model.tick(now: Int64(second) * 1_000) }
        #expect(await model.snapshot(now: 0).heatmap.count == 5)
        // Seek back to 50 s: the next ticks sample at once, not only once the clock passes 105 s again.
        await model.tick(now: 50_000)
        await model.tick(now: 51_000)
        let s = await model.snapshot(now: 0)
        #expect(s.heatmap.count == 7)
        #expect(s.heatmap.sample(age: 0)?.time == 51_000)
    }

    @Test("H toggles the heatmap in the chart's place; --pane heatmap shows it alone")
    func toggling() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        await model.apply(try decode(try fixture("depthPartial")).event, receivedAt: 0)
        await model.tick(now: 1_000)
        #expect(KeyBindings.action(for: .character("H"), searching: false) == .toggleHeatmap)
        _ = await model.perform(.toggleHeatmap)
        let s = await model.snapshot(now: 1_000)
        let full = DashboardRenderer(layout: .full).render(s, width: 120, height: 40).lines.joined(separator: "\n")
        #expect(full.contains("Heatmap BTCUSDT") && !full.contains("Chart BTCUSDT"))
        _ = await model.perform(.toggleHeatmap)
        let back = DashboardRenderer(layout: .full).render(await model.snapshot(now: 1_000), width: 120, height: 40).lines.joined()
        #expect(back.contains("Chart BTCUSDT") && !back.contains("Heatmap"))
        #expect(DashboardConfig.pane(named: "heatmap") == .heatmap)
    }

    @Test("heat ramps: six distinct colours per theme; light and colour-blind ramps differ from dark")
    func ramps() {
        for (name, blind) in [(ThemeName.dark, false), (.dark, true), (.light, false), (.light, true), (.highContrast, false)] {
            let theme = Theme(name, colorBlind: blind)
            let ramp = PaletteColor.heatRamp.compactMap { theme.foreground($0, colors: 256) }
            #expect(Set(ramp).count == 6, "\(name) \(blind)")
        }
        let dark = PaletteColor.heatRamp.map { Theme(.dark).foreground($0, colors: 256) }
        #expect(dark != PaletteColor.heatRamp.map { Theme(.dark, colorBlind: true).foreground($0, colors: 256) })
        #expect(dark != PaletteColor.heatRamp.map { Theme(.light).foreground($0, colors: 256) })
        var config = DashboardConfig()
        config.colorBlind = true
        #expect(config.theme.foreground(.heat1, colors: 256) == Theme(.dark, colorBlind: true).foreground(.heat1, colors: 256))
    }

    @Test("a direct-colour terminal gets RGB values, not 256-colour indices (which it would read as RGB)")
    func directColor() {
        let orange = TerminalColor(parsing: "orange")!
        #expect(orange.index(colors: 256) == 208)
        #expect(orange.index(colors: 1 << 24) == 0xFF8700)
        #expect(TerminalColor(parsing: "green")!.index(colors: 1 << 24) == 2)   // ANSI 0-7 stay
        #expect(TerminalColor.directValue(244) == 0x808080 && TerminalColor.directValue(12) == 0x5C5CFF)
    }
}
