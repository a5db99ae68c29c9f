import AsterKit
import AsterTestSupport
import Testing

@testable import AsterDashboard

@Suite("Order entry in the dashboard model")
struct OrderTicketTests {
    /// A model on BTCUSDT with the spec's partial book, BTCUSDT's rules (tick 0.01, step 0.001), trading on or off.
    func model(trading: Bool = true) async throws -> DashboardModel {
        let model = DashboardModel(mode: .live, symbol: "BTCUSDT", account: true)
        await model.setSymbolInfo([symbolInfo("BTCUSDT", tick: "0.01", step: "0.001")])
        await model.apply(try decode(try fixture("depthPartial")).event, receivedAt: 0)
        await model.enableTrading(trading)
        return model
    }

    func type(_ text: String, into model: DashboardModel) async {
        for c in text { _ = await model.perform(.searchInput(c)) }
    }

    @Test("trading off: b says how to turn it on and opens nothing")
    func off() async throws {
        let m = try await model(trading: false)
        _ = await m.perform(.beginOrder(.buy))
        let s = await m.snapshot(now: 0)
        #expect(s.orderTicket == nil && s.message?.contains("--trade") == true && !s.trading)
    }

    @Test("b: prefilled at the best ask; quantity typed; Enter shows the notional; Enter again places it")
    func buyAtBestAsk() async throws {
        let m = try await model()
        let ask = try #require(await m.snapshot(now: 0).asks.first?.price)
        _ = await m.perform(.beginOrder(.buy))
        #expect(await m.snapshot(now: 0).orderTicket?.price == ask.description)
        #expect(await m.snapshot(now: 0).typing)
        await type("0.5", into: m)
        #expect(await m.perform(.searchCommit).isEmpty)
        let preview = try #require(await m.snapshot(now: 0).orderTicket?.preview)
        #expect(preview.notional == dec("0.5") * ask)
        let text = DashboardRenderer().render(await m.snapshot(now: 0), width: 120, height: 40).lines.joined(separator: "\n")
        #expect(text.contains("notional") && text.contains("Enter sends") && text.contains("TRADING"))
        let effects = await m.perform(.searchCommit)
        guard case .placeOrders(let orders) = effects.first, let order = orders.first else {
            Issue.record("no order sent: \(effects)")
            return
        }
        #expect(orders.count == 1 && order.side == .buy && order.type == .limit && order.quantity == dec("0.5") && order.price == ask)
        #expect(await m.snapshot(now: 0).orderTicket == nil)
    }

    @Test("S at the book cursor: the cursor's level is the price")
    func sellAtCursor() async throws {
        let m = try await model()
        _ = await m.perform(.cyclePane(forward: true))
        _ = await m.perform(.moveFocus(1))
        _ = await m.perform(.moveFocus(1))
        let s = await m.snapshot(now: 0)
        #expect(s.bookCursor == 2)
        _ = await m.perform(.beginOrder(.sell))
        #expect(await m.snapshot(now: 0).orderTicket?.price == s.bids[1].price.description)
    }

    @Test("USDT quantity becomes contracts on the step; a broken rule or a stop on the wrong side is shown, nothing sent")
    func problems() async throws {
        let m = try await model()
        _ = await m.perform(.beginOrder(.buy))
        let ask = try #require(await m.snapshot(now: 0).asks.first?.price)
        _ = await m.perform(.searchInput("u"))
        await type("1000", into: m)
        _ = await m.perform(.searchCommit)
        let contracts = try #require(await m.snapshot(now: 0).orderTicket?.preview?.orders.first?.quantity)
        #expect(contracts == (try #require(dec("1000").divided(by: ask, scale: 12))).rounded(toMultipleOf: dec("0.001"), rule: .down))
        _ = await m.perform(.searchCancel)   // back to editing
        _ = await m.perform(.nextField(forward: false))   // the price
        await type("1", into: m)   // off the tick now
        _ = await m.perform(.searchCommit)
        #expect(await m.snapshot(now: 0).orderTicket?.problem?.contains("PRICE_FILTER") == true)
        _ = await m.perform(.searchBackspace)
        _ = await m.perform(.nextField(forward: true))
        _ = await m.perform(.nextField(forward: true))   // take profit
        await type("1", into: m)   // far under a buy's price: the wrong side for a take profit
        #expect(await m.perform(.searchCommit).isEmpty)
        #expect(await m.snapshot(now: 0).orderTicket?.problem?.contains("wrong side") == true)
        _ = await m.perform(.searchCancel)
        #expect(await m.snapshot(now: 0).orderTicket == nil)
    }

    @Test("account pane: select an open order, X and Enter cancel it; M changes it; C asks before closing the position")
    func accountActions() async throws {
        let m = try await model()
        let order = OpenOrder(orderId: 42, clientOrderId: "c42", symbol: "BTCUSDT", side: .buy, type: .limit, status: .new,
                              timeInForce: .gtc, price: dec("7300"), originalQuantity: dec("0.010"), executedQuantity: .zero,
                              averagePrice: .zero, time: 1, updateTime: 1)
        let state = AccountState(account: AccountInformation(
            updateTime: 1, totalWalletBalance: 1000, totalUnrealizedProfit: .zero, totalMarginBalance: 1000, availableBalance: 1000,
            assets: [AssetBalance(asset: "USDT", walletBalance: 1000)],
            positions: [PositionInfo(symbol: "BTCUSDT", positionAmount: dec("0.002"), entryPrice: dec("7400"), unrealizedProfit: .zero,
                                     leverage: 5, isolated: false, positionSide: .both, updateTime: 1)]),
            openOrders: [order], at: 1)
        await m.updateAccount(LiveAccount.Status(state: state, connection: .connected, synced: true))
        while await m.snapshot(now: 0).paneFocus != .account { _ = await m.perform(.cyclePane(forward: true)) }
        _ = await m.perform(.moveFocus(1))
        #expect(await m.snapshot(now: 0).orderCursor == 0)
        // An order that arrives meanwhile (listed above it) does not move the selection onto itself.
        var earlier = order
        earlier.orderId = 41
        earlier.clientOrderId = "c41"
        let busier = AccountState(account: AccountInformation(
            updateTime: 1, totalWalletBalance: 1000, totalUnrealizedProfit: .zero, totalMarginBalance: 1000, availableBalance: 1000,
            assets: [AssetBalance(asset: "USDT", walletBalance: 1000)],
            positions: [PositionInfo(symbol: "BTCUSDT", positionAmount: dec("0.002"), entryPrice: dec("7400"), unrealizedProfit: .zero,
                                     leverage: 5, isolated: false, positionSide: .both, updateTime: 1)]),
            openOrders: [earlier, order], at: 1)
        await m.updateAccount(LiveAccount.Status(state: busier, connection: .connected, synced: true))
        #expect(await m.snapshot(now: 0).orderCursor == 1)
        _ = await m.perform(.cancelSelectedOrder)
        #expect(await m.snapshot(now: 0).confirmation?.question.contains("order 42") == true)
        #expect(await m.perform(.searchCommit) == [.cancelOrder(symbol: "BTCUSDT", orderId: 42)])
        _ = await m.perform(.modifySelectedOrder)
        #expect(await m.snapshot(now: 0).orderTicket?.modifying == 42)
        _ = await m.perform(.searchCommit)
        let changed = await m.perform(.searchCommit)
        #expect(changed == [.modifyOrder(symbol: "BTCUSDT", orderId: 42, side: .buy, quantity: dec("0.01"), price: dec("7300"))])
        _ = await m.perform(.closeFocusedPosition)
        #expect(await m.snapshot(now: 0).confirmation?.question.contains("0.002 BTCUSDT") == true)
        #expect(await m.perform(.searchInput("n")).isEmpty)
        #expect(await m.snapshot(now: 0).message == "not sent")
        _ = await m.perform(.closeFocusedPosition)
        #expect(await m.perform(.searchInput("y")) == [.closePosition(symbol: "BTCUSDT")])
    }
}
