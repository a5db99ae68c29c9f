import AsterTestSupport
import AsterSim
import Foundation
import Testing

@testable import AsterDashboard
@testable import AsterKit
@testable import AsterTUI

/// Unrealised PnL, margin balance and available balance follow the mark prices between
/// snapshots; what cannot be kept live is shown as of the snapshot.
@Suite("Account figures: live or labelled", .serialized, .timeLimit(.minutes(2)))
struct AccountLiveFiguresTests {
    static func snapshot() -> AccountInformation {
        AccountInformation(
            updateTime: 1_000, totalWalletBalance: 1_100, totalUnrealizedProfit: 7, totalMarginBalance: 1_107, availableBalance: 555,
            assets: [AssetBalance(asset: "USDT", walletBalance: 1_000, unrealizedProfit: 7, availableBalance: 555, initialMargin: 9),
                     AssetBalance(asset: "BUSD", walletBalance: 100, availableBalance: 80)],
            positions: [PositionInfo(symbol: "BTCUSDT", positionAmount: 2, entryPrice: 100, unrealizedProfit: 7, leverage: 10)])
    }

    @Test("ACCOUNT_UPDATE and marks keep USDT's uPnL, margin balance, available balance and margins live; BUSD is the snapshot's")
    func liveFigures() throws {
        var state = AccountState(account: Self.snapshot(), openOrders: [], at: 1_000)
        // No mark yet: the position's PnL is the snapshot's, so USDT is not live.
        #expect(!state.isLive("USDT") && state.availableBalance() == nil && state.balances["USDT"]?.availableBalance == 555)
        state.mark("BTCUSDT", price: 110)
        // (110 − 100) × 2 = 20; initial margin 2 × 110 / 10 = 22; available 1000 + 20 − 22.
        #expect(state.isLive("USDT") && state.availableBalance() == dec("998"))
        var usdt = try #require(state.balances["USDT"])
        #expect(usdt.unrealizedProfit == 20 && usdt.marginBalance == 1_020 && usdt.availableBalance == 998 && usdt.initialMargin == 22)
        #expect(usdt.maintenanceMargin == state.maintenanceMargin)
        // ACCOUNT_UPDATE moves the wallet (a fee) and the position; every figure follows.
        state.apply(try EventDecoder().decode(#"""
            {"e":"ACCOUNT_UPDATE","E":2000,"T":2000,"a":{"m":"ORDER","B":[{"a":"USDT","wb":"990","cw":"990","bc":"0"}],
            "P":[{"s":"BTCUSDT","pa":"3","ep":"104","cr":"0","up":"0","mt":"cross","iw":"0","ps":"BOTH"}]}}
            """#).event)
        usdt = try #require(state.balances["USDT"])
        // (110 − 104) × 3 = 18; initial margin 3 × 110 / 10 = 33; available 990 + 18 − 33.
        #expect(usdt.walletBalance == 990 && usdt.unrealizedProfit == 18 && usdt.marginBalance == 1_008 && usdt.availableBalance == 975)
        state.mark("BTCUSDT", price: 90)
        usdt = try #require(state.balances["USDT"])
        #expect(usdt.unrealizedProfit == -42 && usdt.marginBalance == 948 && usdt.availableBalance == 921)  // 990 − 42 − 27
        // A priced open order takes initial margin too: 100 × 1 / 10.
        var order = try #require(try JSONSerialization.jsonObject(with: Data(try fixture("orderTradeUpdate").utf8)) as? [String: Any])
        var fields = try #require(order["o"] as? [String: Any])
        for (key, value) in [("o", "LIMIT"), ("ot", "LIMIT"), ("q", "1"), ("p", "100"), ("ps", "BOTH"), ("S", "BUY")] { fields[key] = value }
        order["o"] = fields
        order["E"] = 3000
        state.apply(try EventDecoder().decode(String(decoding: try JSONSerialization.data(withJSONObject: order), as: UTF8.self)).event)
        #expect(state.balances["USDT"]?.availableBalance == 911)  // less 10 for the order
        // BUSD: no position settles in it; its figures stay the snapshot's, labelled.
        #expect(!state.isLive("BUSD") && state.balances["BUSD"]?.availableBalance == 80)
    }

    @Test("the account pane and `aster-tui account` star what is the snapshot's and give its time")
    func labelled() async throws {
        var state = AccountState(account: Self.snapshot(), openOrders: [], at: 1_700_000_000_000)
        let model = DashboardModel(mode: .live, symbol: "BTCUSDT", account: true)
        await model.updateAccount(LiveAccount.Status(state: state, connection: .connected, synced: true))
        var text = DashboardRenderer(layout: .single(.account)).render(await model.snapshot(now: 0), width: 80, height: 12)
            .lines.joined(separator: "\n")
        #expect(text.contains("USDT*") && text.contains("BUSD*") && text.contains("BTC*") && text.contains("Avail"), "\(text)")
        #expect(text.contains("as of the snapshot, 22:13:20 UTC"), "\(text)")
        state.mark("BTCUSDT", price: 110)
        await model.updateAccount(LiveAccount.Status(state: state, connection: .connected, synced: true))
        await model.apply(.markPrice(MarkPriceUpdate(eventTime: 1, symbol: "BTCUSDT", markPrice: 110, indexPrice: 110,
                                                     estimatedSettlePrice: 110, fundingRate: 0, nextFundingTime: 0)), receivedAt: 0)
        text = DashboardRenderer(layout: .single(.account)).render(await model.snapshot(now: 0), width: 80, height: 12)
            .lines.joined(separator: "\n")
        #expect(!text.contains("USDT*") && text.contains("BUSD*") && !text.contains("BTC*") && text.contains("998.00"), "\(text)")
        let lines = state.summaryLines.joined(separator: "\n")
        #expect(lines.contains("BUSD*") && !lines.contains("USDT*") && lines.contains("* as of the snapshot (1700000000000 ms)"))
        #expect(state.json.contains(#""live":true"#) && state.json.contains(#""live":false"#))
    }

    @Test("against the simulator: after the mark moves, the live figures equal the server's account without a new snapshot")
    func simulator() async throws {
        // Hedge mode: the simulator places no demo orders there, so only the mark moves the figures.
        var configuration = SimConfiguration(seed: 71, rate: 4_000)
        configuration.hedgeMode = true
        try await withSimulator(configuration) { _, port in
            let client = AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)", configuration: RESTConfiguration(maxRetries: 2)),
                                       credentials: .hmac(apiKey: SimAccount.demoAPIKey, secret: Secret(SimAccount.demoSecret)))
            try await client.synchronizeTime()
            _ = try await client.signed(.POST, "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"),
                                                                  ("quantity", "0.500"), ("positionSide", "LONG")])
            func mark() async throws -> ExactDecimal {
                try #require(try await client.positionRisk(symbol: "BTCUSDT").first).markPrice
            }
            let firstMark = try await mark()
            let first = try await client.account()
            guard try await mark() == firstMark else { Issue.record("the mark moved during the first read; rerun"); return }
            var state = AccountState(account: first, openOrders: try await client.openOrders(), brackets: try await client.leverageBrackets(),
                                     at: client.timestamp())
            state.mark("BTCUSDT", price: firstMark)
            #expect(state.openOrders.isEmpty)
            // Wait for the mark to move, then read the account with the mark unchanged around the read
            // (and nothing else changed: wallet, leverage).
            var compared = false
            var seen: [String] = []
            for _ in 0..<40 where !compared {
                try await Task.sleep(for: .milliseconds(100))
                let before = try await mark()
                guard before != firstMark else { continue }
                let info = try await client.account()
                let after = try await mark()
                let leverage = info.positions.first { $0.symbol == "BTCUSDT" && $0.positionSide == .long }?.leverage
                guard before == after, info.totalWalletBalance == first.totalWalletBalance,
                      leverage == state.leverage("BTCUSDT") else {
                    seen.append("\(before) \(after) \(info.totalWalletBalance) \(String(describing: leverage))")
                    continue
                }
                state.mark("BTCUSDT", price: after)
                let usdt = try #require(state.balances["USDT"])
                // The server rounds each term to 8 decimals before adding: equal within 2 × 10^-8.
                func close(_ a: ExactDecimal?, _ b: ExactDecimal) -> Bool { a.map { ($0 - b).magnitude <= dec("0.00000002") } ?? false }
                #expect(close(state.totalUnrealizedPnL, info.totalUnrealizedProfit), "\(state.totalUnrealizedPnL) \(info.totalUnrealizedProfit)")
                #expect(close(state.marginBalance(), info.totalMarginBalance))
                #expect(close(state.availableBalance(), info.availableBalance), "\(String(describing: state.availableBalance())) \(info.availableBalance)")
                #expect(close(usdt.availableBalance, info.availableBalance) && close(usdt.marginBalance, info.totalMarginBalance))
                #expect(info.totalUnrealizedProfit != first.totalUnrealizedProfit, "the mark moved, so did the PnL")
                compared = true
            }
            #expect(compared, "no read with a moved, steady mark: \(seen)")
        }
    }
}
