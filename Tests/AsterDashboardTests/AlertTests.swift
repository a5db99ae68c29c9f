import AsterTestSupport
import AsterDashboard
import AsterKit
import AsterSim
import Foundation
import Testing

@Suite("Alerts")
struct AlertTests {
    @Test("price above and below fire on crossing, once, and re-arm when the price goes back")
    func priceCrossing() {
        var engine = AlertEngine(rules: [AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: 100_000),
                                         AlertRule(kind: .priceBelow, symbol: "BTCUSDT", value: 90_000)])
        #expect(engine.observePrice("BTCUSDT", 99_999, at: 1).isEmpty)
        #expect(engine.observePrice("ETHUSDT", 200_000, at: 1).isEmpty)  // another symbol
        let up = engine.observePrice("BTCUSDT", 100_000, at: 2)
        #expect(up.map(\.rule.kind) == [.priceAbove] && up[0].message.contains("BTCUSDT at 100000"))
        #expect(engine.observePrice("BTCUSDT", 100_500, at: 3).isEmpty)  // still above: quiet
        #expect(engine.observePrice("BTCUSDT", 99_000, at: 4).isEmpty)
        #expect(engine.observePrice("BTCUSDT", 100_001, at: 5).count == 1)  // crossed again
        #expect(engine.observePrice("BTCUSDT", dec("89999.5"), at: 6).map(\.rule.kind) == [.priceBelow])
    }

    @Test("a % move within the window fires, either way; an older move does not count")
    func move() {
        var engine = AlertEngine(rules: [AlertRule(kind: .move, symbol: "SOLUSDT", value: dec("2"), minutes: 5)])
        #expect(engine.observePrice("SOLUSDT", 100, at: 0).isEmpty)
        #expect(engine.observePrice("SOLUSDT", dec("101.9"), at: 60_000).isEmpty)
        let fired = engine.observePrice("SOLUSDT", 102, at: 120_000)
        #expect(fired.count == 1 && fired[0].message.contains("+2.00%") && fired[0].message.contains("5m"))
        // Ten minutes on, the reference is no older than 5 minutes: a 1 % dip does not fire.
        #expect(engine.observePrice("SOLUSDT", 102, at: 600_000).isEmpty)
        #expect(engine.observePrice("SOLUSDT", dec("100.98"), at: 660_000).isEmpty)
        #expect(engine.observePrice("SOLUSDT", dec("99.9"), at: 700_000).count == 1)  // -2.06 % within 5 minutes
    }

    @Test("funding beyond a threshold, either sign; a liquidation above a notional, of a symbol or any")
    func fundingAndLiquidations() {
        var engine = AlertEngine(rules: [AlertRule(kind: .fundingAbove, symbol: "BTCUSDT", value: dec("0.05")),
                                         AlertRule(kind: .liquidationAbove, value: 10_000),
                                         AlertRule(kind: .liquidationAbove, symbol: "ETHUSDT", value: 1_000)])
        #expect(engine.observeFunding("BTCUSDT", rate: dec("0.0004"), at: 0).isEmpty)      // 0.04 %
        #expect(engine.observeFunding("BTCUSDT", rate: dec("-0.0006"), at: 1).count == 1)  // -0.06 %
        #expect(engine.observeLiquidation("BTCUSDT", side: .sell, notional: 9_999, at: 2).isEmpty)
        #expect(engine.observeLiquidation("ETHUSDT", side: .buy, notional: 5_000, at: 3).count == 1)
        let both = engine.observeLiquidation("ETHUSDT", side: .sell, notional: 20_000, at: 4)
        #expect(both.count == 2 && both[0].message.contains("long liquidated"))
    }

    @Test("margin ratio and position PnL levels")
    func account() {
        var engine = AlertEngine(rules: [AlertRule(kind: .marginRatioAbove, value: 50),
                                         AlertRule(kind: .pnlAbove, symbol: "BTCUSDT", value: 100),
                                         AlertRule(kind: .pnlBelow, symbol: "BTCUSDT", value: -50)])
        #expect(engine.observeAccount(marginRatio: dec("0.2"), pnl: ["BTCUSDT": 10], at: 0).isEmpty)
        #expect(engine.observeAccount(marginRatio: dec("0.5"), pnl: ["BTCUSDT": 150], at: 1).map(\.rule.kind) == [.marginRatioAbove, .pnlAbove])
        #expect(engine.observeAccount(marginRatio: dec("0.6"), pnl: ["BTCUSDT": -60], at: 2).map(\.rule.kind) == [.pnlBelow])
    }

    @Test("the prompt's language", arguments: [
        (">97000", AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: 97_000)),
        ("< 95000.5", AlertRule(kind: .priceBelow, symbol: "BTCUSDT", value: dec("95000.5"))),
        ("2.5%", AlertRule(kind: .move, symbol: "BTCUSDT", value: dec("2.5"), minutes: 5)),
        ("1%/15", AlertRule(kind: .move, symbol: "BTCUSDT", value: 1, minutes: 15)),
        ("1%/15m", AlertRule(kind: .move, symbol: "BTCUSDT", value: 1, minutes: 15)),
    ])
    func prompt(text: String, rule: AlertRule) {
        #expect(AlertPrompt.parse(text, symbol: "BTCUSDT") == rule)
        #expect(AlertPrompt.parse(AlertPrompt.text(of: rule), symbol: "BTCUSDT") == rule)
    }

    @Test("nonsense is no alert", arguments: ["", "97000", ">", ">-5", "5%/0", "x%", "5%/abc"])
    func badPrompt(text: String) {
        #expect(AlertPrompt.parse(text, symbol: "BTCUSDT") == nil)
    }

    @Test("a adds an alert on the focused symbol through the prompt; the overlay edits and deletes; each change is saved")
    func fromTheUI() async throws {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        let keys = KeyMap.standard
        func press(_ key: Key) async -> [Effect] {
            let typing = await model.snapshot(now: 0).typing
            guard let action = keys.action(for: key, searching: typing) else { return [] }
            return await model.perform(action)
        }
        _ = await press(.character("a"))
        #expect(await model.snapshot(now: 0).alertInput == "")
        for c in ">100000" { _ = await press(.character(c)) }
        let grid = DashboardRenderer().render(await model.snapshot(now: 0), width: 120, height: 40)
        #expect(grid.lines[39].contains("alert BTCUSDT: >100000_"))
        let saved = await press(.enter)
        let rule = AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: 100_000)
        #expect(saved == [.saveAlerts([rule])])
        _ = await press(.character("a"))
        for c in "3%/10" { _ = await press(.character(c)) }
        let move = AlertRule(kind: .move, symbol: "BTCUSDT", value: 3, minutes: 10)
        #expect(await press(.enter) == [.saveAlerts([rule, move])])
        // The overlay: select the first, edit it to >101000, delete the second.
        _ = await press(.character("A"))
        var text = DashboardRenderer().render(await model.snapshot(now: 0), width: 120, height: 40).lines.joined(separator: "\n")
        #expect(text.contains("1. BTCUSDT price ≥ 100000") && text.contains("2. BTCUSDT moves 3% in 10m"), "\(text)")
        _ = await press(.character("e"))
        #expect(await model.snapshot(now: 0).alertInput == ">100000")
        for _ in 0..<6 { _ = await press(.backspace) }
        for c in "101000" { _ = await press(.character(c)) }
        let edited = AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: 101_000)
        #expect(await press(.enter) == [.saveAlerts([edited, move])])
        _ = await press(.down)
        #expect(await press(.character("d")) == [.saveAlerts([edited])])
        text = DashboardRenderer().render(await model.snapshot(now: 0), width: 120, height: 40).lines.joined(separator: "\n")
        #expect(text.contains("1. BTCUSDT price ≥ 101000") && !text.contains("2. BTCUSDT moves 3%"), "\(text)")
        _ = await press(.escape)
        #expect(await model.snapshot(now: 0).showAlerts == false)
    }

    @Test("on the simulator's market, price, move, funding and liquidation alerts fire into the log, the status bar and the app")
    func onTheSimulator() async throws {
        // The market first, to learn its range; the same seed plays it again for the model.
        func play(_ visit: (AsterEvent, Int64) async -> Void) async throws {
            let start: Int64 = 1_700_000_000_000
            var engine = SimEngine(seed: 5, now: start)
            let wanted: Set<String> = ["!ticker@arr", "!markPrice@arr@1s", "!forceOrder@arr"]
            for second in 1...600 {
                let now = start + Int64(second) * 1_000
                for out in engine.advance(to: now, steps: 200, isWanted: { wanted.contains($0) }) {
                    await visit(try decode(out.payload).event, now)
                }
            }
        }
        var prices: [(Int64, ExactDecimal)] = []
        var rates: [ExactDecimal] = []
        var largest = ExactDecimal.zero
        try await play { event, now in
            if case .tickers(let all) = event, let btc = all.first(where: { $0.symbol == "BTCUSDT" }) { prices.append((now, btc.lastPrice)) }
            if case .markPrices(let all) = event, let btc = all.first(where: { $0.symbol == "BTCUSDT" }) { rates.append(btc.fundingRate.magnitude * 100) }
            if case .liquidation(let l) = event { largest = max(largest, l.notional) }
        }
        let first = try #require(prices.first?.1)
        let high = prices.map(\.1).max()!
        let low = prices.map(\.1).min()!
        try #require(high > first && low < first, "the simulated price must move both ways")
        let swing = (high.doubleValue / low.doubleValue - 1) * 100
        var rules = [AlertRule(kind: .priceAbove, symbol: "BTCUSDT", value: high),
                     AlertRule(kind: .priceBelow, symbol: "BTCUSDT", value: low),
                     AlertRule(kind: .move, symbol: "BTCUSDT", value: try #require(ExactDecimal(Format2.fixed(swing / 4))), minutes: 10)]
        if let rate = rates.max(), rate > .zero { rules.append(AlertRule(kind: .fundingAbove, symbol: "BTCUSDT", value: rate)) }
        if largest > .zero { rules.append(AlertRule(kind: .liquidationAbove, value: largest)) }
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT", alerts: rules)
        try await play { event, now in await model.apply(event, receivedAt: now) }
        let s = await model.snapshot(now: prices.last!.0)
        let kinds = Set(s.alertLog.map(\.rule.kind))
        #expect(kinds == Set(rules.map(\.kind)), "\(s.alertLog.map(\.message))")
        #expect(await model.takeFiredAlerts().count == s.alertLog.count)
        #expect(await model.takeFiredAlerts().isEmpty)
        // The newest alert flashes in the status bar for 10 s.
        let latest = s.alertLog[0]
        let bar = DashboardRenderer().render(await model.snapshot(now: latest.at + 1_000), width: 200, height: 40).lines[0]
        #expect(bar.contains("ALERT " + latest.message.prefix(20)), "\(bar)")
        let later = DashboardRenderer().render(await model.snapshot(now: latest.at + 11_000), width: 200, height: 40).lines[0]
        #expect(!later.contains("ALERT"))
    }
}

/// Two-decimal text for a threshold.
enum Format2 {
    static func fixed(_ v: Double) -> String { String(format: "%.2f", v) }
}
