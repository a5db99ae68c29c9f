import AsterTestSupport
import AsterDashboard
import Foundation
import Testing

@testable import AsterKit

/// A snapshot with awkward numbers in every pane: the issue's trade (97252.8 × 0.198), a price
/// on a whole tick (97250.0), long prices, an account with positions, orders and fills.
func awkwardSnapshot() async throws -> DashboardSnapshot {
    let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", account: true)
    do {
        await model.setSymbolInfo([symbolInfo("BTCUSDT", tick: "0.1", step: "0.001"),
                                   symbolInfo("ETHUSDT", tick: "0.01", step: "0.001")])
    }
    guard case .tickers(let tickers) = try decode(try fixture("tickerArr")).event,
          case .aggregateTrade(let trade) = try decode(try fixture("aggTrade")).event,
          case .depth(var depth) = try decode(try fixture("depthPartial")).event,
          case .kline(var kline) = try decode(try fixture("kline")).event,
          case .markPrice(var mark) = try decode(try fixture("markPrice")).event,
          case .liquidation(var liquidation) = try decode(try fixture("forceOrder")).event else { throw Unexpected() }
    var rows = tickers
    rows[0].symbol = "BTCUSDT"
    rows[0].lastPrice = dec("97252.8")
    rows[0].priceChangePercent = dec("-12.345")
    rows[0].quoteVolume = dec("1234567890.5")
    var eth = rows[0]
    eth.symbol = "ETHUSDT"
    eth.lastPrice = dec("3450.04")
    eth.priceChangePercent = dec("3.5")
    eth.quoteVolume = dec("987654.25")
    await model.apply(.tickers([rows[0], eth]), receivedAt: 0)
    for (i, (price, quantity)) in [("97252.8", "0.198"), ("97250", "12.5"), ("97249.9", "0.001"), ("97251.3", "1234.567")].enumerated() {
        var t = trade
        t.symbol = "BTCUSDT"
        t.price = dec(price)
        t.quantity = dec(quantity)
        t.buyerIsMaker = i % 2 == 0
        t.tradeTime = 1_700_000_000_000 + Int64(i) * 1_000
        await model.apply(.aggregateTrade(t), receivedAt: 0)
    }
    depth.symbol = "BTCUSDT"
    depth.bids = (0..<20).map { PriceLevel(price: dec("97252.8") - ExactDecimal(mantissa: Int64($0 * 3), scale: 1), quantity: dec("1.234") * ExactDecimal($0 + 1)) }
    depth.asks = (0..<20).map { PriceLevel(price: dec("97253") + ExactDecimal(mantissa: Int64($0 * 7), scale: 1), quantity: dec("0.05") + ExactDecimal($0)) }
    await model.apply(.depth(depth), receivedAt: 0)
    kline.symbol = "BTCUSDT"
    for i in 0..<80 {
        var k = kline
        k.kline.openTime = 1_700_000_000_000 + Int64(i) * 60_000
        k.kline.open = dec("97200") + ExactDecimal(i)
        k.kline.close = dec("97210.5") + ExactDecimal(i % 7)
        k.kline.high = dec("97300")
        k.kline.low = dec("97100.1")
        k.kline.volume = dec("12345.678")
        await model.apply(.kline(k), receivedAt: 0)
    }
    mark.symbol = "BTCUSDT"
    mark.markPrice = dec("97252.81234")
    mark.indexPrice = dec("97250")
    mark.estimatedSettlePrice = dec("97251.5")
    await model.apply(.markPrice(mark), receivedAt: 0)
    liquidation.symbol = "ETHUSDT"
    liquidation.averagePrice = dec("3450.04")
    await model.apply(.liquidation(liquidation), receivedAt: 0)

    let info = AccountInformation(updateTime: 1000, totalWalletBalance: 1000, totalUnrealizedProfit: .zero, totalMarginBalance: 1000,
                                  availableBalance: 1000, assets: [AssetBalance(asset: "USDT", walletBalance: dec("12345.67"))], positions: [])
    let order = OpenOrder(orderId: 7, clientOrderId: "a", symbol: "ETHUSDT", side: .buy, type: .limit, status: .new, timeInForce: .gtc,
                          price: dec("3400.5"), originalQuantity: dec("1.25"), executedQuantity: dec("0.5"), averagePrice: .zero,
                          time: 1, updateTime: 1)
    var account = AccountState(account: info, openOrders: [order], at: 1000)
    account.apply(try decode(#"{"e":"ACCOUNT_UPDATE","E":2000,"T":2000,"a":{"m":"ORDER","B":[{"a":"USDT","wb":"12345.67","cw":"12345.67","bc":"0"}],"P":[{"s":"BTCUSDT","pa":"-0.011","ep":"97252.9","cr":"0","up":"0","mt":"cross","iw":"0","ps":"BOTH"},{"s":"ETHUSDT","pa":"2.5","ep":"3401.25","cr":"0","up":"0","mt":"cross","iw":"0","ps":"BOTH"}]}}"#).event)
    await model.updateAccount(LiveAccount.Status(state: account, connection: .connected, synced: true))
    return await model.snapshot(now: 1_700_000_100_000)
}

/// Every number the snapshot holds, as the panes may show it.
func modelNumbers(_ s: DashboardSnapshot) -> [ExactDecimal] {
    var out: [ExactDecimal] = []
    out += s.trades.flatMap { [$0.price, $0.quantity] }
    out += (s.bids + s.asks).flatMap { [$0.price, $0.quantity] }
    if let bid = s.bids.first?.price, let ask = s.asks.first?.price { out += [ask - bid, (bid + ask) * dec("0.5")] }
    for side in [s.bids, s.asks] {
        var total = ExactDecimal.zero
        for level in side { total += level.quantity; out.append(total) }
    }
    out += s.watchlist.flatMap { [$0.last, $0.changePercent.rounded(scale: 2)] }
    out += s.klines.flatMap { [$0.open, $0.high, $0.low, $0.close] }
    if let m = s.mark {
        let tick = s.precisions[s.symbol]?.price ?? 18
        out += [m.markPrice, m.indexPrice, m.estimatedSettlePrice].compactMap { $0 }.flatMap { [$0, $0.rounded(scale: tick)] }
        out.append((m.fundingRate * 100).rounded(scale: 4))
    }
    if let f = s.flow {
        out += [f.vwap, f.ratio?.rounded(scale: 2)].compactMap { $0 }
        if let vwap = f.vwap, let tick = s.precisions[s.symbol]?.price { out.append(vwap.rounded(scale: tick + 1)) }
    }
    // The chart's VWAP, anchored at the first candle shown (any suffix of the candles), at the digits shown.
    for k in 1...max(1, s.klines.count) {
        guard let vwap = ChartFlow.series(s.klines.suffix(k)).last?.vwap else { continue }
        out += (0...10).map { vwap.rounded(scale: $0) }
    }
    if let a = s.account?.state {
        out += a.balances.values.flatMap { [$0.walletBalance.rounded(scale: 2), $0.availableBalance.rounded(scale: 2)] }
        out.append(a.totalUnrealizedPnL.rounded(scale: 2))
        if let r = a.marginRatio { out.append((r * 100).rounded(scale: 2)) }
        out += a.openPositions.flatMap { p in
            [p.amount.magnitude, p.entryPrice, p.markPrice, p.markPrice?.rounded(scale: s.precisions[p.symbol]?.price ?? 18),
             p.unrealizedPnL.rounded(scale: 2)].compactMap { $0 }
        }
        out += a.openOrders.values.flatMap { [$0.price, $0.quantity, $0.filled] }
        out += a.recentFills.flatMap { [$0.price, $0.quantity] }
    }
    return out
}

/// Values the panes show abbreviated (1.23K, 345): volumes, notionals.
func compactSources(_ s: DashboardSnapshot) -> [Double] {
    s.watchlist.map(\.quoteVolume.doubleValue) + s.liquidations.compactMap(\.notional?.doubleValue) + s.klines.map(\.volume.doubleValue)
        + (s.flow.map { [$0.buyVolume, $0.sellVolume, $0.delta].map(\.doubleValue) } ?? [])
        + (0..<s.klines.count).compactMap { ChartFlow.series(s.klines.suffix($0 + 1)).last?.cvd.doubleValue }
}

/// Checks every number-like word inside `rect`: a plain number must parse and equal a model
/// value (an abbreviated one, at most 3 significant digits, must be within 1 % of one); a
/// percentage must parse; a clock time must be whole. Returns the problems found.
func numberProblems(_ grid: CellGrid, _ rect: Rect, _ allowed: [ExactDecimal], compact: [Double], where place: String) -> [String] {
    var problems: [String] = []
    let values = Set(allowed)
    func nearCompact(_ v: Double) -> Bool { compact.contains { abs($0 - v) <= abs($0) * 0.01 + 0.005 } }
    for y in rect.y..<(rect.y + rect.height) {
        let row = String((rect.x..<(rect.x + rect.width)).map { grid[$0, y].character })
        for word in row.split(separator: " ") {
            var token = String(word)
            if token.hasPrefix("+") { token.removeFirst() }
            let digitsStart = token.hasPrefix("-") ? token.dropFirst() : Substring(token)
            guard let first = digitsStart.first, first.isNumber else { continue }
            if token.dropLast().contains(where: \.isLetter) { continue }  // a label: 24h%, 1m
            if token.contains(":") {
                if token.range(of: #"^\d\d:\d\d(:\d\d)?$"#, options: .regularExpression) == nil { problems.append("\(place): cut time \(word) in [\(row)]") }
                continue
            }
            if token.range(of: #"^\d\d-\d\d$"#, options: .regularExpression) != nil { continue }  // a date on the time axis
            if token.hasSuffix("%") {
                if ExactDecimal(String(token.dropLast())) == nil { problems.append("\(place): bad percentage \(word) in [\(row)]") }
                continue
            }
            if let unit = token.last, ["x", "h", "m", "s"].contains(unit), Int(token.dropLast()) != nil { continue }  // 25x, 7h 12m 03s
            if let unit = token.last, let scale = ["K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12][String(unit)] {
                guard let v = Double(token.dropLast()), nearCompact(v * scale) else {
                    problems.append("\(place): \(word) is no abbreviated model value in [\(row)]")
                    continue
                }
                continue
            }
            guard let value = ExactDecimal(token) else {
                problems.append("\(place): \(word) is not a number (columns run together?) in [\(row)]")
                continue
            }
            let significant = token.filter(\.isNumber).drop { $0 == "0" }.count
            if !values.contains(value), !values.contains(value.magnitude), !(significant <= 3 && nearCompact(value.doubleValue)) {
                problems.append("\(place): \(word) is no value of the model (cut?) in [\(row)]")
            }
        }
    }
    return problems
}

@Suite("Numbers are never cut or run together")
struct PaneNumberTests {
    @Test("every pane alone, at its minimum and at awkward widths",
          arguments: [Pane.book, .trades, .chart, .watchlist, .funding, .liquidations, .account])
    func singlePanes(pane: Pane) async throws {
        let s = try await awkwardSnapshot()
        let allowed = modelNumbers(s)
        for (w, h) in [(30, 6), (31, 8), (33, 10), (37, 12), (40, 10), (47, 14), (50, 12), (53, 16), (61, 20), (79, 24), (100, 28)] {
            let grid = DashboardRenderer(layout: .single(pane)).render(s, width: w, height: h)
            let layout = try #require(DashboardLayout.make(.single(pane), width: w, height: h, account: true))
            for (p, rect) in layout.panes {
                let problems = numberProblems(grid, rect.inset, allowed, compact: compactSources(s), where: "\(p) at \(w)x\(h)")
                #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))\n\(grid.lines.joined(separator: "\n"))")
            }
        }
    }

    @Test("every pane of the full and compact layouts, at their minimum and at awkward sizes",
          arguments: [(LayoutMode.full, 100, 28), (.full, 101, 29), (.full, 117, 33), (.full, 133, 41), (.compact, 60, 16), (.compact, 73, 19)])
    func layouts(mode: LayoutMode, width: Int, height: Int) async throws {
        let s = try await awkwardSnapshot()
        let allowed = modelNumbers(s)
        let grid = DashboardRenderer(layout: mode).render(s, width: width, height: height)
        let layout = try #require(DashboardLayout.make(mode, width: width, height: height, account: true))
        for (pane, rect) in layout.panes {
            let problems = numberProblems(grid, rect.inset, allowed, compact: compactSources(s), where: "\(pane) at \(width)x\(height)")
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))\n\(grid.lines.joined(separator: "\n"))")
        }
    }

    @Test("the issue's trade at 100x28 reads 97252.8 and 0.198 in separate columns, 97250.0 at tick precision, points aligned")
    func issueExample() async throws {
        let s = try await awkwardSnapshot()
        let grid = DashboardRenderer(layout: .full).render(s, width: 100, height: 28)
        let rect = try #require(DashboardLayout.make(.full, width: 100, height: 28, account: true)?.panes[.trades]).inset
        let rows = (rect.y..<(rect.y + rect.height)).map { y in String((rect.x..<(rect.x + rect.width)).map { grid[$0, y].character }) }
        let text = rows.joined(separator: "\n")
        #expect(text.contains("97252.8") && text.contains("0.198") && !text.contains("97252.80.198"), "\(text)")
        #expect(text.contains("97250.0") && text.contains("97249.9"), "\(text)")
        // Prices right-aligned on the decimal point: every price row has its point in one column.
        // (The flow line above the tape, `5m vwap 97251.3 …`, is no tape row.)
        let points = rows.filter { ($0.contains("9725") || $0.contains("9724")) && !$0.contains("vwap") }.compactMap { row -> Int? in
            guard let r = row.range(of: #"972\d\d\.\d"#, options: .regularExpression) else { return nil }
            return row.distance(from: row.startIndex, to: r.lowerBound)
        }
        #expect(points.count == 4 && Set(points).count == 1, "\(text)")
    }

    @Test("the account pane is a labelled table, legible at 50x12")
    func accountTable() async throws {
        let s = try await awkwardSnapshot()
        let text = DashboardRenderer(layout: .single(.account)).render(s, width: 50, height: 12).lines.joined(separator: "\n")
        for label in ["Asset", "Wallet", "uPnL", "Position", "Side", "Size", "Order", "Price", "Qty"] {
            #expect(text.contains(label), "\(label)\n\(text)")
        }
        #expect(text.contains("12345.67") && text.contains("short") && text.contains("0.011") && text.contains("3400.50"), "\(text)")
        #expect(!text.contains("no open posit…") && !text.contains("…"))
    }
}
