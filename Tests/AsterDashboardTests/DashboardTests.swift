import AsterTestSupport
import AsterDashboard
import AsterKit
import Testing

/// A snapshot with data in every pane, built by feeding the spec's payloads through the model.
func filledSnapshot(layoutAccount: Bool = false) async throws -> DashboardSnapshot {
    let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", account: layoutAccount)
    for name in ["tickerArr", "aggTrade", "depthPartial", "kline", "markPrice", "forceOrder"] {
        await model.apply(try decode(try fixture(name)).event, receivedAt: 123_456_900)
    }
    var eth = try decode(try fixture("ticker")).event
    if case .ticker(var t) = eth {
        t.symbol = "ETHUSDT"
        t.priceChangePercent = dec("-1.5")
        t.quoteVolume = dec("99999")
        eth = .ticker(t)
    }
    await model.apply(eth, receivedAt: 0)
    return await model.snapshot(now: 1_562_305_380_000)
}

@Suite("Dashboard model")
struct DashboardModelTests {
    @Test("events fill the snapshot for the focused symbol only")
    func folding() async throws {
        let s = try await filledSnapshot()
        #expect(s.watchlist.map(\.symbol) == ["BTCUSDT", "ETHUSDT"])
        #expect(s.trades.count == 1 && s.trades[0].price == dec("0.001"))
        #expect(s.bids.count == 5 && s.asks.first?.price == dec("7405.96") && s.bids.first?.price == dec("7405.43"))
        #expect(s.klines.count == 1 && s.mark?.fundingRate == dec("0.00038167") && s.liquidations.count == 1)
        // The spec's depth example is years away from the received time: latency unknown, not a figure.
        #expect(s.latencyMs == nil && s.latencyUnknown)
    }

    @Test("moving the focus switches symbol and resubscribes the per-symbol streams")
    func switching() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        await model.apply(try decode(try fixture("tickerArr")).event, receivedAt: 0)
        var eth = try decode(try fixture("ticker")).event
        if case .ticker(var t) = eth { t.symbol = "ETHUSDT"; eth = .ticker(t) }
        await model.apply(eth, receivedAt: 0)
        await model.apply(try decode(try fixture("aggTrade")).event, receivedAt: 0)
        let effects = await model.perform(KeyBindings.action(for: .down, searching: false)!)
        #expect(effects == [.resubscribe(unsubscribe: DashboardModel.symbolStreams("BTCUSDT", interval: .oneMinute),
                                         subscribe: DashboardModel.symbolStreams("ETHUSDT", interval: .oneMinute)),
                            .loadHistory(symbol: "ETHUSDT", interval: .oneMinute)])
        let s = await model.snapshot(now: 0)
        #expect(s.symbol == "ETHUSDT" && s.trades.isEmpty && s.focusIndex == 1)
        #expect(await model.perform(.moveFocus(1)).isEmpty)  // already last
        // Trades of other symbols are ignored.
        await model.apply(try decode(try fixture("aggTrade")).event, receivedAt: 0)
        #expect(await model.snapshot(now: 0).trades.isEmpty)
    }

    @Test("REST history seeds the chart; live candles win; stale history for another symbol is ignored")
    func seeding() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        guard case .kline(let live) = try decode(try fixture("kline")).event else { throw Unexpected() }
        await model.apply(.kline(live), receivedAt: 0)
        func candle(_ t: Int64) -> Candle {
            var k = Candle(live.kline)
            k.openTime = t
            k.close = dec("9")
            return k
        }
        await model.seedKlines(symbol: "BTCUSDT", interval: .oneMinute, [candle(123_280_000), candle(123_340_000), candle(123_400_000)])
        let s = await model.snapshot(now: 0)
        #expect(s.klines.map(\.openTime) == [123_280_000, 123_340_000, 123_400_000])
        #expect(s.klines.last?.close == dec("0.002"))  // the live candle, not the REST copy
        await model.seedKlines(symbol: "ETHUSDT", interval: .oneMinute, [candle(1)])
        #expect(await model.snapshot(now: 0).klines.count == 3)
        #expect(await model.initialEffects == [.loadHistory(symbol: "BTCUSDT", interval: .oneMinute), .loadSymbolInfo])
    }

    @Test("search picks a symbol by prefix; unknown text leaves a message")
    func search() async throws {
        let model = DashboardModel(mode: .demo, symbol: "ETHUSDT")
        await model.apply(try decode(try fixture("tickerArr")).event, receivedAt: 0)
        for action: Action in [.beginSearch, .searchInput("b"), .searchInput("t")] { _ = await model.perform(action) }
        #expect(await model.snapshot(now: 0).search == "BT")
        #expect(await model.perform(.searchCommit).count == 2)  // resubscribe + load history
        #expect(await model.snapshot(now: 0).symbol == "BTCUSDT")
        for action: Action in [.beginSearch, .searchInput("z"), .searchCommit] { _ = await model.perform(action) }
        #expect(await model.snapshot(now: 0).message == "no symbol matches Z")
    }

    @Test("interval, depth, grouping, sort, pause, help and quit")
    func otherKeys() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        await model.apply(try decode(try fixture("depthPartial")).event, receivedAt: 0)
        let effects = await model.perform(.cycleInterval)
        #expect(effects == [.resubscribe(unsubscribe: [.kline(symbol: "btcusdt", interval: .oneMinute)],
                                         subscribe: [.kline(symbol: "btcusdt", interval: .threeMinutes)]),
                            .loadHistory(symbol: "BTCUSDT", interval: .threeMinutes)])
        _ = await model.perform(.changeDepth(-1))
        _ = await model.perform(.changeGrouping(1))
        _ = await model.perform(.changeGrouping(1))
        _ = await model.perform(.cycleSort)
        _ = await model.perform(.togglePause)
        _ = await model.perform(.toggleHelp)
        let s = await model.snapshot(now: 0)
        #expect(s.interval == .threeMinutes && s.bookDepth == 15 && s.grouping == dec("0.02"))
        #expect(s.sort == .change && s.paused && s.showHelp)
        _ = await model.perform(.dismiss)
        #expect(await model.snapshot(now: 0).showHelp == false)
        #expect(await model.perform(.quit) == [.quit])
    }

    @Test("tape and liquidation history stay bounded")
    func bounded() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        guard case .aggregateTrade(let t) = try decode(try fixture("aggTrade")).event,
              case .liquidation(let l) = try decode(try fixture("forceOrder")).event else { throw Unexpected() }
        for _ in 0..<1_000 {
            await model.apply(.aggregateTrade(t), receivedAt: 0)
            await model.apply(.liquidation(l), receivedAt: 0)
        }
        let s = await model.snapshot(now: 0)
        #expect(s.trades.count == DashboardModel.maxTrades && s.liquidations.count == DashboardModel.maxLiquidations)
    }

    @Test("key bindings", arguments: [
        (Key.character("j"), Action.moveFocus(1)), (.up, .moveFocus(-1)), (.tab, .cyclePane(forward: true)),
        (.character("i"), .cycleInterval), (.character("+"), .changeDepth(1)), (.character("q"), .quit),
        (.interrupt, .quit), (.character("?"), .toggleHelp), (.character("/"), .beginSearch), (.resize, .resize),
    ])
    func bindings(key: Key, action: Action) {
        #expect(KeyBindings.action(for: key, searching: false) == action)
    }

    @Test("while searching, letters type instead of acting")
    func searchBindings() {
        #expect(KeyBindings.action(for: .character("q"), searching: true) == .searchInput("q"))
        #expect(KeyBindings.action(for: .escape, searching: true) == .searchCancel)
        #expect(KeyBindings.action(for: .enter, searching: true) == .searchCommit)
    }
}

@Suite("Dashboard rendering")
struct DashboardRenderTests {
    @Test("full layout at 120x40 shows every pane with data")
    func full() async throws {
        let grid = DashboardRenderer(layout: .full).render(try await filledSnapshot(), width: 120, height: 40)
        let text = grid.lines.joined(separator: "\n")
        for title in ["Watchlist", "Book BTCUSDT", "Trades BTCUSDT", "Chart BTCUSDT 1m", "Funding BTCUSDT", "Liquidations"] {
            #expect(text.contains(title), "\(title)")
        }
        #expect(text.contains("7405.96") && text.contains("spread 0.53"))  // book and spread
        #expect(text.contains("0.0382%"))  // funding rate 0.00038167 as a percentage
        #expect(grid.lines[0].contains("DEMO") && grid.lines[0].contains("BTCUSDT"))
        #expect(grid.lines.count == 40 && grid.lines.allSatisfy { $0.count == 120 })
    }

    @Test("prices are coloured by side; the focused row is reversed")
    func styles() async throws {
        let grid = DashboardRenderer(layout: .full).render(try await filledSnapshot(), width: 120, height: 40)
        let cells = grid.cells
        #expect(cells.contains { $0.style.color == .up } && cells.contains { $0.style.color == .down })
        #expect(cells.contains { $0.style.reverse && $0.character == "B" })
    }

    @Test("every layout renders at every size without crashing",
          arguments: [LayoutMode.full, .compact, .single(.book), .single(.trades), .single(.chart), .single(.watchlist),
                      .single(.funding), .single(.liquidations), .single(.account)])
    func sizes(layout: LayoutMode) async throws {
        let s = try await filledSnapshot(layoutAccount: true)
        for (w, h) in [(120, 40), (100, 28), (80, 24), (60, 16), (40, 10), (30, 6), (20, 5), (1, 1), (0, 0), (200, 3)] {
            let grid = DashboardRenderer(layout: layout).render(s, width: w, height: h)
            #expect(grid.width == w && grid.height == h)
        }
    }

    @Test("the compact layout shows the chart beside the book from 80x22 on, not below")
    func compactChart() async throws {
        let s = try await filledSnapshot()
        let wide = DashboardRenderer(layout: .compact).render(s, width: 84, height: 24).lines.joined(separator: "\n")
        #expect(wide.contains("Chart BTCUSDT") && wide.contains("Book BTCUSDT") && wide.contains("Trades BTCUSDT"))
        let narrow = DashboardRenderer(layout: .compact).render(s, width: 70, height: 24).lines.joined(separator: "\n")
        #expect(!narrow.contains("Chart") && narrow.contains("Book BTCUSDT"))
    }

    @Test("a 40x10 single pane is legible")
    func tmuxPane() async throws {
        let grid = DashboardRenderer(layout: .single(.book)).render(try await filledSnapshot(), width: 40, height: 10)
        let text = grid.lines.joined(separator: "\n")
        #expect(text.contains("Book BTCUSDT") && text.contains("spread"))
        #expect(text.contains("7405.96") && text.contains("7405.43"))
        let trades = DashboardRenderer(layout: .single(.trades)).render(try await filledSnapshot(), width: 40, height: 10)
        #expect(trades.lines.joined().contains("0.001"))
    }

    @Test("the account pane: waits for the snapshot, marks positions to the mark price, flags margin calls, shows the margin ratio")
    func accountPane() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", account: true)
        #expect(await model.initialStreams.contains(.allMarkPrices(everySecond: true)))
        await model.updateAccount(LiveAccount.Status(state: nil, connection: .authenticating))
        var grid = DashboardRenderer(layout: .single(.account)).render(await model.snapshot(now: 0), width: 40, height: 10)
        #expect(grid.lines.joined().contains("user stream: creating listen key"))
        await model.apply(try decode(try fixture("markPrice")).event, receivedAt: 0)   // BTCUSDT mark 11794.15
        let info = AccountInformation(updateTime: 1000, totalWalletBalance: 1000, totalUnrealizedProfit: .zero, totalMarginBalance: 1000,
                                      availableBalance: 1000, assets: [AssetBalance(asset: "USDT", walletBalance: 1000)], positions: [])
        var account = AccountState(account: info, openOrders: [], at: 1000)
        account.apply(try decode(#"{"e":"ACCOUNT_UPDATE","E":2000,"T":2000,"a":{"m":"ORDER","B":[{"a":"USDT","wb":"1200","cw":"1200","bc":"0"}],"P":[{"s":"BTCUSDT","pa":"0.5","ep":"7000","cr":"0","up":"0","mt":"cross","iw":"0","ps":"BOTH"}]}}"#).event)
        account.apply(try decode(try fixture("marginCall")).event)
        await model.updateAccount(LiveAccount.Status(state: account, connection: .connected, marginCallAt: 10, synced: true))
        let s = await model.snapshot(now: 20)
        #expect(s.account?.state?.positions[PositionKey("BTCUSDT")]?.unrealizedPnL == (dec("11794.15") - dec("7000")) * dec("0.5"))
        grid = DashboardRenderer(layout: .single(.account)).render(s, width: 40, height: 10)
        let text = grid.lines.joined(separator: "\n")
        #expect(text.contains("MARGIN CALL ETHUSDT") && text.contains("1200.00") && text.contains("+2397.08") && text.contains("long")
                && text.contains("Margin ratio"), "\(text)")
    }

    @Test("the account pane shows hedge-mode sides on their own rows and the liquidation price from the brackets")
    func accountPaneLiquidation() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", account: true)
        let info = AccountInformation(updateTime: 1000, totalWalletBalance: 1000, totalUnrealizedProfit: .zero, totalMarginBalance: 1000,
                                      availableBalance: 1000, assets: [AssetBalance(asset: "USDT", walletBalance: 1000)], positions: [
            PositionInfo(symbol: "ETHUSDT", positionAmount: 10, entryPrice: 2000, unrealizedProfit: .zero, leverage: 20, positionSide: .long),
            PositionInfo(symbol: "ETHUSDT", positionAmount: -4, entryPrice: 2100, unrealizedProfit: .zero, leverage: 20, positionSide: .short),
        ])
        let brackets = SymbolBrackets(symbol: "ETHUSDT", brackets: [
            LeverageBracket(bracket: 1, initialLeverage: 75, notionalFloor: 0, notionalCap: 10_000, maintenanceMarginRatio: dec("0.0065"), cumulative: 0),
            LeverageBracket(bracket: 2, initialLeverage: 50, notionalFloor: 10_000, notionalCap: 100_000, maintenanceMarginRatio: dec("0.01"), cumulative: 35),
        ])
        var account = AccountState(account: info, openOrders: [], brackets: [brackets], at: 1000)
        account.mark("ETHUSDT", price: 1_950)
        await model.updateAccount(LiveAccount.Status(state: account, connection: .connected, synced: true))
        let text = DashboardRenderer(layout: .single(.account)).render(await model.snapshot(now: 20), width: 100, height: 12)
            .lines.joined(separator: "\n")
        // (1000 + 35 − 20000 + 8400) / (0.1 + 0.026 − 10 + 4) = 1798.604… at the pane's two decimals.
        let lp = try #require(account.openPositions.first?.liquidationPrice)
        #expect(lp.rounded(scale: 2) == dec("1798.60"))
        #expect(text.contains("Liq") && text.contains("1798.60") && text.contains("long") && text.contains("short"), "\(text)")
    }

    @Test("too small says so")
    func tooSmall() async throws {
        let grid = DashboardRenderer(layout: .full).render(try await filledSnapshot(), width: 25, height: 5)
        #expect(grid.lines.joined(separator: "\n").contains("terminal too small"))
    }

    @Test("ASCII glyphs leave no box-drawing characters")
    func ascii() async throws {
        let grid = DashboardRenderer(layout: .full, glyphs: .ascii).render(try await filledSnapshot(), width: 120, height: 40)
        let text = grid.lines.joined()
        #expect(!text.contains("─") && !text.contains("█") && !text.contains("│") && text.contains("+-"))
    }

    @Test("help overlay lists every key; search shows matches")
    func overlays() async throws {
        var s = try await filledSnapshot()
        s.showHelp = true
        // From 120x40 every binding fits on one screen (two columns, descriptions wrapped).
        let text = DashboardRenderer().render(s, width: 120, height: 40).lines.joined(separator: "\n")
        let words = Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "│" }).map(String.init))
        for binding in KeyBindings.help {
            for word in binding.what.split(separator: " ").map(String.init) { #expect(words.contains(word), "\(binding.what)") }
        }
        s.showHelp = false
        s.search = "ET"
        let line = DashboardRenderer().render(s, width: 120, height: 40).lines[39]
        #expect(line.hasPrefix("/ET_") && line.contains("ETHUSDT") && !line.contains("BTCUSDT"))
    }

    @Test("a click maps to the watchlist row under it")
    func click() async throws {
        let s = try await filledSnapshot()
        let renderer = DashboardRenderer(layout: .full)
        // Full layout: the watchlist box starts at row 1; its header is row 2; rows follow.
        #expect(renderer.watchlistRow(atX: 3, y: 3, snapshot: s, width: 120, height: 40) == 0)
        #expect(renderer.watchlistRow(atX: 3, y: 4, snapshot: s, width: 120, height: 40) == 1)
        #expect(renderer.watchlistRow(atX: 3, y: 5, snapshot: s, width: 120, height: 40) == nil)  // no third symbol
        #expect(renderer.watchlistRow(atX: 60, y: 3, snapshot: s, width: 120, height: 40) == nil)  // the book
        #expect(KeyBindings.action(for: .mouseClick(x: 3, y: 4), searching: false) == .click(x: 3, y: 4))
    }

    @Test("book grouping merges levels onto the grid")
    func grouping() async throws {
        var s = try await filledSnapshot()
        s.grouping = dec("1")
        let text = DashboardRenderer(layout: .single(.book)).render(s, width: 60, height: 20).lines.joined(separator: "\n")
        #expect(text.contains("7405 ") && text.contains("7403 ") && text.contains("7406 "), "\(text)")
        #expect(!text.contains("7403.89") && !text.contains("7404.85"))
    }
}
