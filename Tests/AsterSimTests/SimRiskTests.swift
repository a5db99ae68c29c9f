import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

/// Risk on the simulator: initial margin reserved by orders and positions, isolated wallets,
/// liquidation when equity reaches maintenance, and the spec's refusals. The mark price is moved
/// with ``SimServer/pinMarkPrice(symbol:to:)``, which applies risk before it returns, so nothing
/// here depends on timing. LINKUSDT (tick 0.001) is used: the demo trader keeps to the first four symbols.
@Suite("Simulator risk and liquidation", .serialized, .timeLimit(.minutes(5)))
struct SimRiskTests {
    static func config(balance: ExactDecimal, seed: UInt64 = 61) -> SimConfiguration {
        var c = SimConfiguration(seed: seed, rate: 2_000, warmUpMinutes: 1)
        c.balance = balance
        return c
    }

    static let tick = ExactDecimal(mantissa: 1, scale: 3)

    /// The spec's example of one `GET forceOrders` row.
    static let forceOrderExample = #"""
    {"orderId": 6071832819, "symbol": "BTCUSDT", "status": "FILLED", "clientOrderId": "autoclose-1596107620040000020",
     "price": "10871.09", "avgPrice": "10913.21000", "origQty": "0.001", "executedQty": "0.001", "cumQuote": "10.91321",
     "timeInForce": "IOC", "type": "LIMIT", "reduceOnly": false, "closePosition": false, "side": "SELL", "positionSide": "BOTH",
     "stopPrice": "0", "workingType": "CONTRACT_PRICE", "origType": "LIMIT", "time": 1596107620044, "updateTime": 1596107620087}
    """#

    static func decimal(_ any: Any?) -> ExactDecimal? { (any as? String).flatMap { ExactDecimal($0) } }

    static func account(_ rest: RawREST) async throws -> [String: Any] {
        try #require(try await rest.v1("GET", "/fapi/v4/account").json as? [String: Any])
    }

    @Test("a position is liquidated when an adverse mark move brings its equity to maintenance (within a tick); forceOrder, ORDER_TRADE_UPDATE, ACCOUNT_UPDATE and forceOrders in the spec's form",
          arguments: [false, true])
    func liquidation(isolated: Bool) async throws {
        try await withSimulator(Self.config(balance: 100)) { server, port in
            let rest = RawREST(port: port)
            if isolated {
                let changed = try await rest.v1("POST", "/fapi/v1/marginType", "symbol=LINKUSDT&marginType=ISOLATED")
                #expect(changed.status == 200, "\(changed.text)")
            }
            #expect(try await rest.v1("POST", "/fapi/v1/leverage", "symbol=LINKUSDT&leverage=50").status == 200)
            let key = try #require(try await rest.v1("POST", "/fapi/v1/listenKey").json as? [String: Any])["listenKey"] as! String
            let user = Task {
                try await collectFrames(url: "ws://127.0.0.1:\(port)/ws/\(key)", timeout: .seconds(60)) { frames in
                    frames.contains { $0.contains("\"autoclose-") && $0.contains("\"X\":\"FILLED\"") }
                        && frames.last { $0.contains("ACCOUNT_UPDATE") }.map { $0.contains("\"pa\":\"0\"") } == true
                }
            }
            let market = Task {
                try await collectFrames(url: "ws://127.0.0.1:\(port)/stream?streams=linkusdt@forceOrder/!forceOrder@arr",
                                        timeout: .seconds(60)) { frames in
                    Set(frames.filter { $0.contains("\"autoclose") == false && $0.contains("forceOrder") && $0.contains("\"q\":\"40\"") }
                        .compactMap { (parse($0) as? [String: Any])?["stream"] as? String }).count == 2
                }
            }
            try await waitUntil { server.openConnections == 2 }
            let bought = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=40&newOrderRespType=RESULT")
            #expect((bought.json as? [String: Any])?["status"] as? String == "FILLED", "\(bought.text)")
            let risk = try #require((try await rest.v1("GET", "/fapi/v2/positionRisk", "symbol=LINKUSDT").json as? [[String: Any]])?.first)
            let liquidationPrice = try #require(Self.decimal(risk["liquidationPrice"]))
            #expect(liquidationPrice > .zero)
            if isolated {
                #expect(risk["marginType"] as? String == "isolated")
                #expect(try #require(Self.decimal(risk["isolatedMargin"])) > .zero)
            }

            // One tick above the liquidation price the position stands; at it (rounded down to the tick) it goes.
            let above = liquidationPrice.rounded(toMultipleOf: Self.tick, rule: .up) + Self.tick
            server.pinMarkPrice(symbol: "LINKUSDT", to: above)
            let before = try #require(server.accountSnapshot(0))
            let position = before.position("LINKUSDT")
            #expect(position.amount == ExactDecimal(40), "an adverse move short of the liquidation price keeps the position")
            let margin = isolated ? before.isolatedWallet("LINKUSDT") : before.crossWallet
            let brackets = SimAccount.brackets("LINKUSDT")
            func equity(_ mark: ExactDecimal) -> ExactDecimal { margin + (mark - position.entryPrice) * position.amount }
            func maintenance(_ mark: ExactDecimal) -> ExactDecimal {
                brackets.maintenanceMargin(notional: mark * position.amount) ?? .zero
            }
            #expect(equity(above) > maintenance(above))
            let account = try await Self.account(rest)
            #expect(Self.decimal(account["totalCrossWalletBalance"]) == before.crossWallet.rounded(scale: 8))
            #expect(Self.decimal(account["totalWalletBalance"]) == before.wallet.rounded(scale: 8))
            #expect(Self.decimal(account["totalPositionInitialMargin"]) == before.positionInitialMargin("LINKUSDT"))
            let at = liquidationPrice.rounded(toMultipleOf: Self.tick, rule: .down)
            server.pinMarkPrice(symbol: "LINKUSDT", to: at)
            let after = try #require(server.accountSnapshot(0))
            #expect(after.position("LINKUSDT").amount.isZero, "liquidated at \(at) (liquidation price \(liquidationPrice))")
            // Equity at the liquidation mark is at or below maintenance, and above it one tick higher.
            #expect(equity(at) <= maintenance(at) && equity(at + Self.tick) > maintenance(at + Self.tick))
            #expect((maintenance(at) - equity(at)) <= position.amount * Self.tick * 2)

            // The wallet moved by exactly the liquidation trades' PnL and fees.
            let trades = after.trades.filter { $0.symbol == "LINKUSDT" && $0.side == "SELL" }
            #expect(trades.reduce(ExactDecimal.zero) { $0 + $1.quantity } == ExactDecimal(40))
            let moved = trades.reduce(ExactDecimal.zero) { $0 + $1.realizedPnl - $1.commission }
            #expect(after.wallet == (before.wallet + moved).rounded(scale: 8) || after.wallet.isZero)
            #expect(after.risk.isolatedWallets.isEmpty)

            let userFrames = try await user.value
            // The opening fill's ACCOUNT_UPDATE: wallet, cross wallet and isolated wallet as the account holds them.
            let opening = try #require(userFrames.first { $0.contains("ACCOUNT_UPDATE") && $0.contains("\"pa\":\"40\"") })
            guard case .accountUpdate(let update) = try EventDecoder().decode(opening).event else { throw Unexpected() }
            #expect(update.balances.first?.walletBalance == before.wallet.rounded(scale: 8))
            #expect(update.balances.first?.crossWalletBalance == before.crossWallet.rounded(scale: 8))
            let held = try #require(update.positions.first { $0.symbol == "LINKUSDT" })
            #expect(held.isolatedWallet == (isolated ? before.isolatedWallet("LINKUSDT") : .zero))
            #expect(held.marginType == (isolated ? .isolated : .crossed))
            let marketFrames = try await market.value
            try Self.checkEvents(user: userFrames, market: marketFrames, isolated: isolated)

            let forced = try #require(try await rest.v1("GET", "/fapi/v1/forceOrders", "symbol=LINKUSDT").json as? [[String: Any]])
            #expect(forced.count == 1)
            #expect(shape(forced) == shape([parse(Self.forceOrderExample)]))
            let row = try #require(forced.first)
            #expect((row["clientOrderId"] as? String)?.hasPrefix("autoclose-") == true)
            #expect(row["status"] as? String == "FILLED" && row["side"] as? String == "SELL" && row["executedQty"] as? String == "40")
            #expect(row["type"] as? String == "LIMIT" && row["timeInForce"] as? String == "IOC")
            let v3 = try await rest.v3("GET", "/fapi/v3/forceOrders", "autoCloseType=LIQUIDATION")
            #expect((v3.json as? [[String: Any]])?.map { $0["orderId"] as? Int } == [row["orderId"] as? Int], "\(v3.text)")
            #expect((try await rest.v1("GET", "/fapi/v1/forceOrders", "autoCloseType=ADL").json as? [Any])?.isEmpty == true)
            let later = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
            #expect((try await rest.v1("GET", "/fapi/v1/forceOrders", "startTime=\(later)").json as? [Any])?.isEmpty == true)
            #expect(try await rest.v1("GET", "/fapi/v1/forceOrders", "autoCloseType=OTHER").code == -1130)
            #expect(try await rest.v1("GET", "/fapi/v1/forceOrders", "limit=101").code == -1130)
        }
    }

    /// The liquidation's events, decoded by AsterKit and checked key for key against the spec's examples.
    static func checkEvents(user: [String], market: [String], isolated: Bool) throws {
        let decoder = EventDecoder()
        // Before it was liquidated, the position's margin ratio passed the warning level: a MARGIN_CALL.
        let call = try #require(user.first { $0.contains("MARGIN_CALL") })
        var expected = try #require(parse(try fixture("marginCall")) as? [String: Any])
        if isolated { expected["cw"] = nil }   // "Only pushed with crossed position margin call"
        #expect(shape(parse(call)) == shape(expected), "\(call)")
        guard case .marginCall(let m) = try decoder.decode(call).event, let p = m.positions.first else {
            Issue.record("not a margin call: \(call)")
            return
        }
        #expect(p.symbol == "LINKUSDT" && p.positionAmount == ExactDecimal(40) && p.marginType == (isolated ? .isolated : .crossed))
        #expect(isolated ? (p.isolatedWallet ?? .zero) > .zero : (p.isolatedWallet ?? .zero).isZero)
        let updates = user.filter { $0.contains("\"autoclose-") }
        #expect(!updates.isEmpty)
        for text in updates {
            guard case .orderTradeUpdate(let u) = try decoder.decode(text).event else {
                Issue.record("not an order update: \(text)")
                continue
            }
            #expect(u.clientOrderId.hasPrefix("autoclose-") && u.executionType == .calculated && u.orderType == .liquidation)
            #expect(u.timeInForce == .ioc && u.side == .sell && u.originalQuantity == ExactDecimal(40))
            var expected = try #require(parse(try fixture("orderTradeUpdate")) as? [String: Any])
            var o = try #require(expected["o"] as? [String: Any])
            o["AP"] = nil   // trailing-stop orders only
            o["cr"] = nil
            expected["o"] = o
            #expect(shape(parse(text)) == shape(expected), "\(text)")
        }
        guard case .orderTradeUpdate(let last) = try decoder.decode(try #require(updates.last)).event else { return }
        #expect(last.status == .filled && last.filledQuantity == ExactDecimal(40))
        let account = try #require(user.last { $0.contains("ACCOUNT_UPDATE") })
        guard case .accountUpdate(let a) = try decoder.decode(account).event else {
            Issue.record("not an account update: \(account)")
            return
        }
        #expect(a.reason == .order && a.positions.first { $0.symbol == "LINKUSDT" }?.positionAmount.isZero == true)
        #expect(shape(parse(account)) == shape(parse(try fixture("accountUpdate"))), "\(account)")

        let forced = market.filter { $0.contains("\"q\":\"40\"") }
        #expect(Set(forced.compactMap { (parse($0) as? [String: Any])?["stream"] as? String }) == ["linkusdt@forceOrder", "!forceOrder@arr"])
        for frame in forced {
            let message = try decoder.decode(frame)
            guard case .liquidation(let l) = message.event else {
                Issue.record("not a liquidation: \(frame)")
                continue
            }
            #expect(l.symbol == "LINKUSDT" && l.side == .sell && l.quantity == ExactDecimal(40) && l.status == .filled)
            #expect(l.filledQuantity == ExactDecimal(40) && l.timeInForce == .ioc && l.orderType == .limit)
            let data = try #require((parse(frame) as? [String: Any])?["data"])
            #expect(shape(data) == shape(parse(try fixture("forceOrder"))), "\(frame)")
        }
    }
}
