@testable import AsterSim
import AsterKit
import AsterTestSupport
import Foundation
import Testing

/// `TRAILING_STOP_MARKET`, `newOrderRespType`, `priceProtect` and self-trade prevention, as the
/// spec's New Order and STP sections describe them.
@Suite("Simulator order types, answers and self-trade prevention", .serialized, .timeLimit(.minutes(3)))
struct SimOrderTypesTests {
    static func object(_ answer: RawAnswer) throws -> [String: Any] {
        try #require(answer.json as? [String: Any], "\(answer.text)")
    }

    static func quote(last: ExactDecimal, mark: ExactDecimal) -> SimQuote {
        SimQuote(symbol: "LINKUSDT", bid: last - dec("0.001"), ask: last + dec("0.001"), mark: mark,
                 tickSize: dec("0.001"), lotSize: dec("0.01"), last: last)
    }

    static func account(with order: SimOrder) -> SimAccount {
        var a = SimAccount(seed: 1)
        a.orders[order.orderId] = order
        return a
    }

    static func trailing(_ side: String, activation: ExactDecimal?, rate: ExactDecimal, working: String = "CONTRACT_PRICE") -> SimOrder {
        var o = SimOrder(orderId: 1, clientOrderId: "t", symbol: "LINKUSDT", side: side, price: .zero, quantity: 1, time: 0, updateTime: 0)
        (o.type, o.origType, o.workingType) = ("TRAILING_STOP_MARKET", "TRAILING_STOP_MARKET", working)
        (o.activationPrice, o.callbackRate) = (activation, rate)
        return o
    }

    @Test("trailing stop triggers: SELL after the high reaches activation and the price falls back by the rate; BUY mirrored; on the working type's price")
    func trailingTriggers() {
        // SELL, activation 25, callback 1 %.
        var a = Self.account(with: Self.trailing("SELL", activation: dec("25"), rate: dec("1")))
        let sell = { (last: String) in a.dueConditionals([Self.quote(last: dec(last), mark: dec(last))], triggerProtect: dec("0.05")) }
        #expect(sell("24").isEmpty)
        #expect(sell("23").isEmpty, "not activated: the high (24) never reached 25")
        #expect(sell("25.5").isEmpty)                   // activated; high 25.5
        #expect(sell("25.3").isEmpty)                   // above 25.5 × 0.99 = 25.245
        #expect(sell("25.245") == [1])
        // BUY without activation: active from the start; low tracked; 0.5 %.
        var b = Self.account(with: Self.trailing("BUY", activation: nil, rate: dec("0.5"), working: "MARK_PRICE"))
        let buy = { (mark: String) in b.dueConditionals([Self.quote(last: dec("30"), mark: dec(mark))], triggerProtect: dec("0.5")) }
        #expect(buy("20").isEmpty)
        #expect(buy("19").isEmpty)                      // low 19
        #expect(buy("19.09").isEmpty)                   // below 19 × 1.005 = 19.095
        #expect(buy("19.095") == [1], "MARK_PRICE: the mark, not the last price (30), drives it")
    }

    @Test("priceProtect: a reached trigger waits while mark and last differ by more than triggerProtect, then fires")
    func priceProtect() {
        var o = SimOrder(orderId: 7, clientOrderId: "p", symbol: "LINKUSDT", side: "SELL", price: .zero, quantity: 1, time: 0, updateTime: 0)
        (o.type, o.origType, o.stopPrice, o.priceProtect) = ("STOP_MARKET", "STOP_MARKET", dec("24"), true)
        var a = Self.account(with: o)
        // Last 23.9 reached the stop; the mark 25.2 is 5.2 % away: held.
        #expect(a.dueConditionals([Self.quote(last: dec("23.9"), mark: dec("25.2"))], triggerProtect: dec("0.05")).isEmpty)
        #expect(a.dueConditionals([Self.quote(last: dec("23.9"), mark: dec("24.1"))], triggerProtect: dec("0.05")) == [7])
        o.priceProtect = false
        var b = Self.account(with: o)
        #expect(b.dueConditionals([Self.quote(last: dec("23.9"), mark: dec("25.2"))], triggerProtect: dec("0.05")) == [7])
    }

    @Test("TRAILING_STOP_MARKET over REST: the spec's checks and errors, the answer's activatePrice/priceRate, and it fires on a move")
    func trailingOverREST() async throws {
        try await withSimulator(SimConfiguration(seed: 101, rate: 4_000, demoTrader: .off)) { server, port in
            server.setPaused(true)
            let rest = RawREST(port: port)
            let base = "symbol=LINKUSDT&type=TRAILING_STOP_MARKET&quantity=1"
            let errors: [(String, Int)] = [
                ("\(base)&side=SELL", -1102), ("\(base)&side=SELL&callbackRate=0.05", -1130), ("\(base)&side=SELL&callbackRate=5.1", -1130),
                ("\(base)&side=SELL&callbackRate=1&activationPrice=20", -2021), ("\(base)&side=BUY&callbackRate=1&activationPrice=30", -2021),
                ("\(base)&side=SELL&callbackRate=1&activationPrice=30.0001", -4014), ("\(base)&side=SELL&callbackRate=1&workingType=LAST", -4031),
            ]
            for (params, code) in errors {
                let answer = try await rest.v1("POST", "/fapi/v1/order", params)
                #expect(answer.code == code, "\(params): \(answer.text)")
            }
            let placed = try Self.object(try await rest.v3("POST", "/fapi/v3/order", "\(base)&side=SELL&callbackRate=0.2&newClientOrderId=trail-1"))
            #expect(placed["type"] as? String == "TRAILING_STOP_MARKET" && placed["priceRate"] as? String == "0.2", "\(placed)")
            let start = try #require((placed["activatePrice"] as? String).flatMap { ExactDecimal($0) }, "the working price at placing")
            // Sell at market until the last price is 0.2 % under where it was: the stop fires and fills.
            for _ in 0..<40 {
                let ticker = try Self.object(try await rest.get("/fapi/v1/ticker/price", "symbol=LINKUSDT"))
                let last = try #require((ticker["price"] as? String).flatMap { ExactDecimal($0) })
                if last <= start * dec("0.997") { break }
                _ = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=SELL&type=MARKET&quantity=5")
            }
            try await waitUntil {
                (try Self.object(try await rest.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&origClientOrderId=trail-1"))["status"] as? String) == "FILLED"
            }
            // TradingClient places one too (V1 and V3 alike through the same paths).
            let trading = SimTradingHelpers.trading(port, v3: true)
            let viaClient = try await trading.place(NewOrder(symbol: "LINKUSDT", side: .buy, type: .trailingStopMarket, quantity: dec("1"),
                                                             callbackRate: dec("1")))
            #expect(viaClient.type == .trailingStopMarket && viaClient.status == .new)
        }
    }

    @Test("newOrderRespType: ACK (the default) answers the order as accepted, RESULT as it ended; anything else -1130")
    func responseTypes() async throws {
        try await withSimulator(SimConfiguration(seed: 102, rate: 4_000, demoTrader: .off)) { server, port in
            server.setPaused(true)
            let rest = RawREST(port: port)
            let ack = try Self.object(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=1"))
            #expect(ack["status"] as? String == "NEW" && ack["executedQty"] as? String == "0", "\(ack)")
            let id = try #require(ack["orderId"] as? Int)
            let after = try Self.object(try await rest.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)"))
            #expect(after["status"] as? String == "FILLED", "the ACK is an answer's form, the order still filled")
            let result = try Self.object(try await rest.v3("POST", "/fapi/v3/order",
                "symbol=LINKUSDT&side=SELL&type=MARKET&quantity=1&newOrderRespType=RESULT"))
            #expect(result["status"] as? String == "FILLED" && result["executedQty"] as? String == "1")
            let ioc = try Self.object(try await rest.v1("POST", "/fapi/v1/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=1&price=24&newOrderRespType=RESULT"))
            #expect(ioc["status"] as? String == "EXPIRED")
            #expect(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=1&newOrderRespType=FULL").code == -1130)
        }
    }

    @Test("self-trade prevention at matching: EXPIRE_TAKER (the default), EXPIRE_MAKER, EXPIRE_BOTH; the account's mode; other accounts trade")
    func selfTradePrevention() async throws {
        var config = SimConfiguration(seed: 103, rate: 4_000, demoTrader: .off)
        config.accounts = [.hmac(apiKey: "bob-key", secret: "bob-secret")]
        try await withSimulator(config) { server, port in
            server.setPaused(true)
            let rest = RawREST(port: port)
            let bob = RawREST(port: port, apiKey: "bob-key", secret: "bob-secret")
            // Bob clears the best ask level: nothing of the flow is left at `inside`, so the first
            // thing a buyer at that price meets is the account's own sell resting there.
            let book = try Self.object(try await rest.get("/fapi/v1/ticker/bookTicker", "symbol=LINKUSDT"))
            let inside = try #require(ExactDecimal(book["askPrice"] as? String ?? ""))
            let cleared = try Self.object(try await bob.v1("POST", "/fapi/v1/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=\(book["askQty"] as? String ?? "0")&price=\(inside)&newOrderRespType=RESULT"))
            #expect(cleared["status"] as? String == "FILLED", "\(cleared)")
            func sell(_ id: String) async throws -> Int {
                try #require(try Self.object(try await rest.v3("POST", "/fapi/v3/order",
                    "symbol=LINKUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=\(inside)&newClientOrderId=\(id)"))["orderId"] as? Int)
            }
            func status(_ id: Int) async throws -> String? {
                try Self.object(try await rest.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)"))["status"] as? String
            }
            #expect((try Self.object(try await rest.v3("GET", "/fapi/v3/stpMode")))["stpMode"] as? String == "EXPIRE_TAKER")
            let buy = "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=\(inside)&newOrderRespType=RESULT"
            do {
                let maker = try await sell("m1")
                let taker = try Self.object(try await rest.v1("POST", "/fapi/v1/order", buy))
                #expect(taker["status"] as? String == "EXPIRED" && taker["executedQty"] as? String == "0", "\(taker)")
                #expect(try await status(maker) == "NEW")
                let second = try Self.object(try await rest.v1("POST", "/fapi/v1/order", buy + "&stpMode=EXPIRE_MAKER"))
                #expect(second["status"] as? String == "NEW", "the maker expired, the taker rests: \(second)")
                #expect(try await status(maker) == "EXPIRED")
                _ = try await rest.v1("DELETE", "/fapi/v1/allOpenOrders", "symbol=LINKUSDT")
                let maker2 = try await sell("m2")
                let both = try Self.object(try await rest.v1("POST", "/fapi/v1/order", buy + "&stpMode=EXPIRE_BOTH"))
                let maker2Status = try await status(maker2)
                #expect(both["status"] as? String == "EXPIRED" && maker2Status == "EXPIRED")
                // The account's mode applies to orders that name none.
                #expect(try await rest.v3("POST", "/fapi/v3/stpMode", "stpMode=EXPIRE_MAKER").status == 200)
                #expect((try Self.object(try await rest.v3("GET", "/fapi/v3/stpMode")))["stpMode"] as? String == "EXPIRE_MAKER")
                let maker3 = try await sell("m3")
                let third = try Self.object(try await rest.v1("POST", "/fapi/v1/order", buy))
                let maker3Status = try await status(maker3)
                #expect(third["status"] as? String == "NEW" && maker3Status == "EXPIRED")
                _ = try await rest.v1("DELETE", "/fapi/v1/allOpenOrders", "symbol=LINKUSDT")
                // Another account's buy trades with the sell as usual.
                let maker4 = try await sell("m4")
                let other = try Self.object(try await bob.v1("POST", "/fapi/v1/order", buy))
                let maker4Status = try await status(maker4)
                #expect(other["status"] as? String == "FILLED" && maker4Status == "FILLED")
            }
            #expect(try await rest.v3("POST", "/fapi/v3/stpMode", "stpMode=NONE").code == -1130)
            #expect(try await rest.v1("POST", "/fapi/v1/order", buy + "&stpMode=NONE").code == -1130)
        }
    }
}
