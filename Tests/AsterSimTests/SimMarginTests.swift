import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

/// Initial margin, isolated wallets and the spec's margin refusals on the simulator's demo
/// account (LINKUSDT, which the demo trader leaves alone).
/// The spec's `positionRisk` example with the `isolatedWallet` the exchange also sends (ccxt reads it).
func positionRiskExample() throws -> Any {
    let rows = try #require(try restFixture("positionRisk") as? [[String: Any]])
    return rows.map { row -> [String: Any] in
        var row = row
        row["isolatedWallet"] = "0"
        return row
    }
}

@Suite("Simulator margin: reserves, isolated wallets, refusals", .serialized, .timeLimit(.minutes(5)))
struct SimMarginTests {
    static func decimal(_ any: Any?) -> ExactDecimal? { (any as? String).flatMap { ExactDecimal($0) } }

    static func mark(_ rest: RawREST) async throws -> ExactDecimal {
        let premium = try #require(try await rest.get("/fapi/v1/premiumIndex", "symbol=LINKUSDT").json as? [String: Any])
        return try #require(decimal(premium["markPrice"]))
    }

    /// `availableBalance`, `maxWithdrawAmount`, `totalOpenOrderInitialMargin` of `account` and
    /// `availableBalance` of `balance`.
    static func figures(_ rest: RawREST) async throws -> (available: ExactDecimal, withdraw: ExactDecimal, orders: ExactDecimal,
                                                          balance: ExactDecimal) {
        let account = try #require(try await rest.v1("GET", "/fapi/v4/account").json as? [String: Any])
        let balance = try #require((try await rest.v3("GET", "/fapi/v3/balance").json as? [[String: Any]])?.first)
        return (try #require(decimal(account["availableBalance"])), try #require(decimal(account["maxWithdrawAmount"])),
                try #require(decimal(account["totalOpenOrderInitialMargin"])), try #require(decimal(balance["availableBalance"])))
    }

    @Test("an open order reserves its initial margin at the symbol's leverage, released on cancel; an order needing more than is available is refused with -2019")
    func orderMargin() async throws {
        var config = SimConfiguration(seed: 62, rate: 2_000, warmUpMinutes: 1)
        config.balance = 100
        try await withSimulator(config) { _, port in
            let rest = RawREST(port: port)
            #expect(try await rest.v1("POST", "/fapi/v1/leverage", "symbol=LINKUSDT&leverage=10").status == 200)
            let start = try await Self.figures(rest)
            #expect(start.available == ExactDecimal(100) && start.withdraw == ExactDecimal(100) && start.orders.isZero)

            let price = (try await Self.mark(rest) * ExactDecimal(mantissa: 97, scale: 2)).rounded(toMultipleOf: ExactDecimal(mantissa: 1, scale: 3), rule: .down)
            let placed = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=20&price=\(price)")
            let id = try #require((placed.json as? [String: Any])?["orderId"] as? Int, "\(placed.text)")
            let reserved = (price * ExactDecimal(20)).divided(by: ExactDecimal(10), scale: 8)!
            let open = try await Self.figures(rest)
            #expect(open.orders == reserved)
            #expect(open.available == ExactDecimal(100) - reserved && open.balance == open.available && open.withdraw == open.available)
            let row = try #require((try await rest.v1("GET", "/fapi/v4/account").json as? [String: Any])?["positions"] as? [[String: Any]])
                .first { $0["symbol"] as? String == "LINKUSDT" }
            #expect(Self.decimal(row?["openOrderInitialMargin"]) == reserved && Self.decimal(row?["initialMargin"]) == reserved)

            // More than what is left: refused, nothing placed.
            let quantity = ((open.available + ExactDecimal(1)) * ExactDecimal(10)).divided(by: price, scale: 2)!
                .rounded(toMultipleOf: ExactDecimal(mantissa: 1, scale: 2), rule: .up)
            let refused = try await rest.v1("POST", "/fapi/v1/order",
                                            "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=\(quantity)&price=\(price)")
            #expect(refused.code == -2019 && refused.msg == "Margin is insufficient.", "\(refused.text)")
            let market = try await rest.v3("POST", "/fapi/v3/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=\(quantity)")
            #expect(market.code == -2019, "\(market.text)")
            #expect(try await Self.figures(rest).orders == reserved)

            let cancelled = try await rest.v1("DELETE", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)")
            #expect(cancelled.status == 200)
            let after = try await Self.figures(rest)
            #expect(after.available == ExactDecimal(100) && after.orders.isZero && after.withdraw == ExactDecimal(100))
            // Now it fits.
            let fits = try await rest.v1("POST", "/fapi/v1/order",
                                         "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=40&price=\(price)")
            #expect(fits.status == 200, "\(fits.text)")
        }
    }

    /// The exchange's error code of a refused `TradingClient` write.
    static func refusal(_ error: any Error) -> Int? {
        if case .rejected(let code, _)? = error as? TradingError { return code }
        return nil
    }

    @Test("isolated margin through TradingClient: the position's wallet takes its initial margin, add and reduce move it, history lists them; the spec's refusals",
          arguments: [false, true])
    func isolatedMargin(v3: Bool) async throws {
        var config = SimConfiguration(seed: 63, rate: 2_000, warmUpMinutes: 1)
        config.balance = 1_000
        try await withSimulator(config) { server, port in
            let trading = SimTradingHelpers.trading(port, v3: v3)
            let rest = RawREST(port: port)
            do {
                try await trading.changeIsolatedMargin(symbol: "LINKUSDT", amount: ExactDecimal(5), add: true)
                Issue.record("a cross symbol took isolated margin")
            } catch { #expect(Self.refusal(error) == -4049, "\(error)") }
            try await trading.setMarginType(symbol: "LINKUSDT", isolated: true)
            _ = try await trading.setLeverage(symbol: "LINKUSDT", 10)
            do {
                try await trading.changeIsolatedMargin(symbol: "LINKUSDT", amount: ExactDecimal(5), add: true)
                Issue.record("margin added to no position")
            } catch { #expect(Self.refusal(error) == -4054, "\(error)") }

            let order = try await trading.place(.market("LINKUSDT", .buy, quantity: ExactDecimal(20)))
            #expect(order.executedQuantity == ExactDecimal(20))
            let opened = try #require(server.accountSnapshot(0))
            let trade = try #require(opened.trades.last)
            let initial = opened.isolatedWallet("LINKUSDT")
            let expected = opened.trades.filter { $0.orderId == trade.orderId }
                .reduce(ExactDecimal.zero) { $0 + ($1.price * $1.quantity).divided(by: ExactDecimal(10), scale: 8)! }
            #expect(initial == expected.rounded(scale: 8) && initial > .zero)
            #expect(opened.crossWallet == opened.wallet - initial)

            try await trading.changeIsolatedMargin(symbol: "LINKUSDT", amount: ExactDecimal(10), add: true)
            try await trading.changeIsolatedMargin(symbol: "LINKUSDT", amount: ExactDecimal(4), add: false)
            let moved = try #require(server.accountSnapshot(0))
            #expect(moved.isolatedWallet("LINKUSDT") == initial + ExactDecimal(6))
            #expect(moved.crossWallet == opened.crossWallet - ExactDecimal(6) && moved.wallet == opened.wallet)
            do {
                try await trading.changeIsolatedMargin(symbol: "LINKUSDT", amount: ExactDecimal(500), add: false)
                Issue.record("reduced below the position's initial margin")
            } catch { #expect(Self.refusal(error) == -4051, "\(error)") }
            do {
                try await trading.changeIsolatedMargin(symbol: "LINKUSDT", amount: ExactDecimal(5_000), add: true)
                Issue.record("added more than the cross wallet holds")
            } catch { #expect(Self.refusal(error) == -4050, "\(error)") }

            let history = try await trading.marginHistory(symbol: "LINKUSDT")
            #expect(history.map(\.added) == [true, false] && history.map(\.amount) == [ExactDecimal(10), ExactDecimal(4)])
            #expect(history.allSatisfy { $0.symbol == "LINKUSDT" && $0.asset == "USDT" && $0.positionSide == .both })

            // positionRisk's isolatedMargin is the wallet plus unrealised PnL.
            let risk = try #require((try await rest.v1("GET", "/fapi/v2/positionRisk", "symbol=LINKUSDT").json as? [[String: Any]])?.first)
            let now = try #require(server.accountSnapshot(0))
            let unrealized = try #require(Self.decimal(risk["unRealizedProfit"]))
            #expect(Self.decimal(risk["isolatedWallet"]) == now.isolatedWallet("LINKUSDT"))
            #expect(Self.decimal(risk["isolatedMargin"]).map { ($0 - now.isolatedWallet("LINKUSDT") - unrealized).magnitude <= ExactDecimal(mantissa: 1, scale: 1) } == true)

            // The raw answers in the spec's shapes, and the history's filters.
            let added = try await rest.v1("POST", "/fapi/v1/positionMargin", "symbol=LINKUSDT&amount=1&type=1")
            #expect(shape(added.json) == shape(parse(#"{"amount": 100.0, "code": 200, "msg": "Successfully modify position margin.", "type": 1}"#)),
                    "\(added.text)")
            let example = parse(#"[{"amount": "23.36332311", "asset": "USDT", "symbol": "BTCUSDT", "time": 1578047897183, "type": 1, "positionSide": "BOTH"}]"#)
            let all = try await rest.v3("GET", "/fapi/v3/positionMargin/history", "symbol=LINKUSDT")
            #expect(shape(all.json) == shape(example) && (all.json as? [Any])?.count == 3, "\(all.text)")
            let reductions = try #require(try await rest.v1("GET", "/fapi/v1/positionMargin/history", "symbol=LINKUSDT&type=2").json as? [[String: Any]])
            #expect(reductions.map { $0["amount"] as? String } == ["4"])
            let last = try #require(try await rest.v1("GET", "/fapi/v1/positionMargin/history", "symbol=LINKUSDT&limit=1").json as? [[String: Any]])
            #expect(last.map { $0["amount"] as? String } == ["1"])
            let future = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
            #expect((try await rest.v1("GET", "/fapi/v1/positionMargin/history", "symbol=LINKUSDT&startTime=\(future)").json as? [Any])?.isEmpty == true)
            #expect(try await rest.v1("POST", "/fapi/v1/positionMargin", "symbol=LINKUSDT&amount=1&type=3").code == -1130)
            #expect(try await rest.v1("POST", "/fapi/v1/positionMargin", "symbol=LINKUSDT&amount=1&type=1&positionSide=LONG").code == -4061)

            // Closing the position returns what is left of its wallet to the cross wallet.
            _ = try await trading.closePosition(symbol: "LINKUSDT")
            let closed = try #require(server.accountSnapshot(0))
            #expect(closed.isolatedWallet("LINKUSDT").isZero && closed.crossWallet == closed.wallet)
        }
    }

    @Test("leverage and margin type change only with the spec's checks: -4046, -4047, -4048, -4161, -2028")
    func refusals() async throws {
        var config = SimConfiguration(seed: 64, rate: 2_000, warmUpMinutes: 1)
        config.balance = 100
        try await withSimulator(config) { server, port in
            let rest = RawREST(port: port)
            let mark = try await Self.mark(rest)
            let same = try await rest.v1("POST", "/fapi/v1/marginType", "symbol=LINKUSDT&marginType=CROSSED")
            #expect(same.code == -4046 && same.msg == "No need to change margin type.")
            let price = (mark * ExactDecimal(mantissa: 97, scale: 2)).rounded(toMultipleOf: ExactDecimal(mantissa: 1, scale: 3), rule: .down)
            let placed = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=\(price)")
            #expect(placed.status == 200, "\(placed.text)")
            #expect(try await rest.v1("POST", "/fapi/v1/marginType", "symbol=LINKUSDT&marginType=ISOLATED").code == -4047)
            #expect(try await rest.v1("DELETE", "/fapi/v1/allOpenOrders", "symbol=LINKUSDT").status == 200)

            // Cross at 20x, about 60 of the 100 USDT as initial margin: back to 1x needs more than is there.
            #expect(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=48").status == 200)
            #expect(try await rest.v1("POST", "/fapi/v1/marginType", "symbol=LINKUSDT&marginType=ISOLATED").code == -4048)
            let lower = try await rest.v1("POST", "/fapi/v1/leverage", "symbol=LINKUSDT&leverage=1")
            #expect(lower.code == -2028 && lower.msg == "Leverage is smaller than permitted: insufficient margin balance.", "\(lower.text)")
            #expect(server.accountSnapshot(0)?.leverage("LINKUSDT") == 20)
            #expect(try await rest.v1("POST", "/fapi/v1/leverage", "symbol=LINKUSDT&leverage=10").code == -2028)
            #expect(try await rest.v1("POST", "/fapi/v1/leverage", "symbol=LINKUSDT&leverage=25").status == 200)
            #expect(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=SELL&type=MARKET&quantity=48&reduceOnly=true").status == 200)

            // Isolated with a position: the leverage may rise, not fall.
            #expect(try await rest.v1("POST", "/fapi/v1/marginType", "symbol=LINKUSDT&marginType=ISOLATED").status == 200)
            #expect(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=10").status == 200)
            let reduce = try await rest.v3("POST", "/fapi/v3/leverage", "symbol=LINKUSDT&leverage=5")
            #expect(reduce.code == -4161 && reduce.msg == "Leverage reduction is not supported in Isolated Margin Mode with open positions")
            #expect(try await rest.v1("POST", "/fapi/v1/leverage", "symbol=LINKUSDT&leverage=50").status == 200)
            #expect(server.accountSnapshot(0)?.leverage("LINKUSDT") == 50)
        }
    }

    @Test("adlQuantile answers per position side in the spec's form: BOTH in one-way mode, HEDGE for cross in hedge mode")
    func adlQuantile() async throws {
        try await withSimulator(SimConfiguration(seed: 65, rate: 2_000, warmUpMinutes: 1)) { server, port in
            let rest = RawREST(port: port)
            #expect((try await rest.v1("GET", "/fapi/v1/adlQuantile").json as? [Any])?.isEmpty == true)
            #expect(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=10").status == 200)
            let mark = try await Self.mark(rest)
            server.pinMarkPrice(symbol: "LINKUSDT", to: (mark * ExactDecimal(mantissa: 9, scale: 1)).rounded(toMultipleOf: ExactDecimal(mantissa: 1, scale: 3), rule: .down))
            let losing = try await rest.v1("GET", "/fapi/v1/adlQuantile")
            #expect(shape(losing.json) == shape(parse(#"[{"symbol": "BTCUSDT", "adlQuantile": {"LONG": 1, "SHORT": 2, "BOTH": 0}}]"#)), "\(losing.text)")
            let rows = try #require(losing.json as? [[String: Any]])
            #expect(rows.map { $0["symbol"] as? String } == ["LINKUSDT"])
            #expect(rows.first?["adlQuantile"] as? [String: Int] == ["LONG": 0, "SHORT": 0, "BOTH": 1])
            server.pinMarkPrice(symbol: "LINKUSDT", to: (mark * ExactDecimal(mantissa: 15, scale: 1)).rounded(toMultipleOf: ExactDecimal(mantissa: 1, scale: 3), rule: .down))
            let winning = try #require(try await rest.v3("GET", "/fapi/v3/adlQuantile", "symbol=LINKUSDT").json as? [[String: Any]])
            #expect(winning.first?["adlQuantile"] as? [String: Int] == ["LONG": 0, "SHORT": 0, "BOTH": 4])
        }
        var hedge = SimConfiguration(seed: 66, rate: 2_000, warmUpMinutes: 1)
        hedge.hedgeMode = true
        try await withSimulator(hedge) { _, port in
            let rest = RawREST(port: port)
            #expect(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&positionSide=LONG&type=MARKET&quantity=10").status == 200)
            let rows = try #require(try await rest.v1("GET", "/fapi/v1/adlQuantile", "symbol=LINKUSDT").json as? [[String: Any]])
            let quantile = try #require(rows.first?["adlQuantile"] as? [String: Int])
            #expect(Set(quantile.keys) == ["LONG", "SHORT", "HEDGE"] && quantile["LONG"] == quantile["SHORT"] && quantile["HEDGE"] == 0)
        }
    }
}
