import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

/// Paper trading on the simulator's demo account, over raw HTTP and a raw websocket. LINKUSDT is
/// used because the demo trader keeps to the first four symbols.
@Suite("Simulator paper trading", .serialized, .timeLimit(.minutes(3)))
struct SimTradingTests {
    static let config = SimConfiguration(seed: 31, rate: 4_000, warmUpMinutes: 2)

    /// `price` of LINKUSDT (tick 0.001) as text.
    static func linkPrice(_ value: Double) -> String { String(format: "%.3f", value) }

    static func mark(_ rest: RawREST, _ symbol: String = "LINKUSDT") async throws -> Double {
        let premium = try #require(try await rest.get("/fapi/v1/premiumIndex", "symbol=\(symbol)").json as? [String: Any])
        return Double(premium["markPrice"] as! String)!
    }

    @Test("limit orders rest, are queried and cancelled; market orders fill; V1 and V3; the spec's shapes")
    func lifecycle() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            let mark = try await Self.mark(rest)
            let far = Self.linkPrice(mark * 0.97)
            let placed = try await rest.v1("POST", "/fapi/v1/order",
                                           "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=\(far)&newClientOrderId=my-1")
            #expect(placed.status == 200, "\(placed.text)")
            #expect(shape(placed.json) == shape(withoutTrailingStop(try restFixture("newOrder"))))
            let order = try #require(placed.json as? [String: Any])
            #expect(order["status"] as? String == "NEW" && order["clientOrderId"] as? String == "my-1")
            let id = try #require(order["orderId"] as? Int)

            let queried = try await rest.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)")
            #expect(shape(queried.json) == shape(withoutTrailingStop(try restFixture("queryOrder"))), "\(queried.text)")
            let open = try await rest.v3("GET", "/fapi/v3/openOrder", "symbol=LINKUSDT&origClientOrderId=my-1")
            #expect(shape(open.json) == shape(withoutTrailingStop(try restFixture("openOrder"))), "\(open.text)")
            let list = try #require(try await rest.v3("GET", "/fapi/v3/openOrders", "symbol=LINKUSDT").json as? [[String: Any]])
            #expect(list.map { $0["orderId"] as? Int } == [id])

            let cancelled = try await rest.v3("DELETE", "/fapi/v3/order", "symbol=LINKUSDT&orderId=\(id)")
            #expect(shape(cancelled.json) == shape(withoutTrailingStop(try restFixture("cancelOrder"))), "\(cancelled.text)")
            #expect((cancelled.json as? [String: Any])?["status"] as? String == "CANCELED")
            let again = try await rest.v1("DELETE", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)")
            #expect(again.code == -2011 && again.msg == "Unknown order sent.")
            let history = try await rest.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)")
            #expect((history.json as? [String: Any])?["status"] as? String == "CANCELED")

            let bought = try await rest.v3("POST", "/fapi/v3/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=2&newOrderRespType=RESULT")
            let fill = try #require(bought.json as? [String: Any], "\(bought.text)")
            #expect(fill["status"] as? String == "FILLED" && fill["executedQty"] as? String == "2", "\(bought.text)")
            #expect(Double(fill["avgPrice"] as? String ?? "0")! > mark * 0.98)
            let risk = try #require(try await rest.v1("GET", "/fapi/v2/positionRisk", "symbol=LINKUSDT").json as? [[String: Any]])
            #expect(risk.count == 1 && risk[0]["positionAmt"] as? String == "2" && risk[0]["positionSide"] as? String == "BOTH")
            let trades = try #require(try await rest.v1("GET", "/fapi/v1/userTrades", "symbol=LINKUSDT").json as? [[String: Any]])
            #expect(!trades.isEmpty && trades.allSatisfy { $0["side"] as? String == "BUY" && $0["maker"] as? Bool == false })
            let income = try #require(try await rest.v1("GET", "/fapi/v1/income", "symbol=LINKUSDT&incomeType=COMMISSION").json as? [[String: Any]])
            #expect(income.count == trades.count)

            // Reduce-only: clipped to the position, which it closes.
            let closed = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=SELL&type=MARKET&quantity=5&reduceOnly=true&newOrderRespType=RESULT")
            #expect((closed.json as? [String: Any])?["executedQty"] as? String == "2", "\(closed.text)")
            let flat = try #require(try await rest.v3("GET", "/fapi/v3/positionRisk", "symbol=LINKUSDT").json as? [[String: Any]])
            #expect(flat[0]["positionAmt"] as? String == "0")
            let realized = try #require(try await rest.v1("GET", "/fapi/v1/income", "symbol=LINKUSDT&incomeType=REALIZED_PNL").json as? [[String: Any]])
            #expect(realized.count >= 1)
        }
    }

    @Test("orders are checked against the filters with the spec's errors; IOC, FOK and GTX expire as the spec says")
    func rulesAndTimeInForce() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            let mark = try await Self.mark(rest)
            let near = Self.linkPrice(mark * 0.99)
            let base = "symbol=LINKUSDT&type=LIMIT&timeInForce=GTC"
            let cases: [(String, Int)] = [
                ("\(base)&side=BUY&quantity=1&price=\(Self.linkPrice(mark * 0.99))5", -4014),
                ("\(base)&side=BUY&quantity=1.005&price=\(near)", -4023),
                ("\(base)&side=BUY&quantity=0.1&price=\(near)", -4164),
                ("\(base)&side=BUY&quantity=1&price=\(Self.linkPrice(mark * 1.2))", -4016),
                ("\(base)&side=SELL&quantity=1&price=\(Self.linkPrice(mark * 0.8))", -4024),
                ("\(base)&side=BUY&quantity=1", -1102),
                ("\(base)&side=UP&quantity=1&price=\(near)", -1117),
                ("symbol=LINKUSDT&type=SOON&side=BUY&quantity=1", -1116),
                ("symbol=LINKUSDT&type=LIMIT&timeInForce=NOW&side=BUY&quantity=1&price=\(near)", -1115),
                ("\(base)&side=BUY&quantity=1&price=\(near)&positionSide=LONG", -4061),
                ("symbol=LINKUSDT&type=MARKET&side=SELL&quantity=1&reduceOnly=true", -2022),
                ("symbol=LINKUSDT&type=MARKET&side=BUY&quantity=100000", -2019),
                ("symbol=NOPEUSDT&type=MARKET&side=BUY&quantity=1", -1121),
                ("symbol=LINKUSDT&type=STOP_MARKET&side=SELL&stopPrice=\(Self.linkPrice(mark * 1.1))&quantity=1", -2021),
            ]
            for (params, code) in cases {
                let answer = try await rest.v1("POST", "/fapi/v1/order", params)
                #expect(answer.status == 400 && answer.code == code, "\(params): \(answer.text)")
            }
            for (tif, price, quantity) in [("GTX", mark * 1.01, "1"), ("IOC", mark * 0.97, "1"), ("FOK", mark * 1.02, "5000")] {
                let answer = try await rest.v3("POST", "/fapi/v3/order",
                                               "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=\(tif)&quantity=\(quantity)&price=\(Self.linkPrice(price))&newOrderRespType=RESULT")
                let o = try #require(answer.json as? [String: Any], "\(answer.text)")
                #expect(o["status"] as? String == "EXPIRED" && o["executedQty"] as? String == "0", "\(tif): \(answer.text)")
            }
            // A resting stop order waits for its trigger.
            let stop = try await rest.v1("POST", "/fapi/v1/order",
                                         "symbol=LINKUSDT&type=STOP_MARKET&side=SELL&stopPrice=\(Self.linkPrice(mark * 0.9))&quantity=1")
            #expect((stop.json as? [String: Any])?["status"] as? String == "NEW" && (stop.json as? [String: Any])?["type"] as? String == "STOP_MARKET", "\(stop.text)")

            let batch = #"[{"symbol":"LINKUSDT","side":"BUY","type":"LIMIT","timeInForce":"GTC","quantity":"1","price":"\#(Self.linkPrice(mark * 0.95))"},{"symbol":"LINKUSDT","side":"BUY","type":"LIMIT","timeInForce":"GTC","quantity":"1.005","price":"\#(Self.linkPrice(mark * 0.95))"}]"#
            let answers = try await rest.v1("POST", "/fapi/v1/batchOrders",
                                            "batchOrders=\(batch.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            let items = try #require(answers.json as? [Any], "\(answers.text)")
            #expect(items.count == 2)
            #expect(shape(items[0]) == shape(withoutTrailingStop(try restFixture("newOrder"))))
            #expect(shape(items[1]) == "{code:number,msg:string}" && (items[1] as? [String: Any])?["code"] as? Int == -4023)

            let all = try await rest.v3("DELETE", "/fapi/v3/allOpenOrders", "symbol=LINKUSDT")
            #expect(shape(all.json) == shape(try restFixture("cancelAll")), "\(all.text)")
            let left = try #require(try await rest.v1("GET", "/fapi/v1/openOrders", "symbol=LINKUSDT").json as? [Any])
            #expect(left.isEmpty)

            let leverage = try await rest.v1("POST", "/fapi/v1/leverage", "symbol=LINKUSDT&leverage=7")
            #expect(shape(leverage.json) == shape(try restFixture("leverage")) && (leverage.json as? [String: Any])?["leverage"] as? Int == 7)
            #expect(try await rest.v3("POST", "/fapi/v3/leverage", "symbol=LINKUSDT&leverage=200").code == -4028)
            let margin = try await rest.v3("POST", "/fapi/v3/marginType", "symbol=LINKUSDT&marginType=ISOLATED")
            #expect(shape(margin.json) == shape(try restFixture("marginType")), "\(margin.text)")
            #expect(try await rest.v1("POST", "/fapi/v1/marginType", "symbol=LINKUSDT&marginType=ISOLATED").code == -4046)
            let risk = try #require(try await rest.v1("GET", "/fapi/v2/positionRisk", "symbol=LINKUSDT").json as? [[String: Any]])
            #expect(risk[0]["marginType"] as? String == "isolated" && risk[0]["leverage"] as? String == "7")
        }
    }

    @Test("fills and settings reach the user stream: ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, ACCOUNT_CONFIG_UPDATE with ai")
    func userStream() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            let key = try #require((try await rest.send("POST", "/fapi/v1/listenKey", headers: ["X-MBX-APIKEY": SimAccount.demoAPIKey])
                .json as? [String: Any])?["listenKey"] as? String)
            async let frames = collectFrames(url: "ws://127.0.0.1:\(port)/ws/\(key)", timeout: .seconds(20)) { frames in
                frames.contains { $0.contains(#""c":"stream-1""#) && $0.contains(#""x":"TRADE""#) }
                    && frames.contains { $0.contains(#""s":"LINKUSDT""#) && $0.contains("ACCOUNT_UPDATE") }
                    && frames.contains { $0.contains(#""ai":"#) }
            }
            try await Task.sleep(for: .milliseconds(500))
            let order = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=SELL&type=MARKET&quantity=1&newClientOrderId=stream-1")
            #expect(order.status == 200, "\(order.text)")
            #expect(try await rest.v3("POST", "/fapi/v3/multiAssetsMargin", "multiAssetsMargin=true").status == 200)
            #expect((try await rest.v1("GET", "/fapi/v1/multiAssetsMargin").json as? [String: Any])?["multiAssetsMargin"] as? Bool == true)
            let mine = try await frames.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let updates = mine.filter { ($0["o"] as? [String: Any])?["c"] as? String == "stream-1" }.map { $0["o"] as! [String: Any] }
            #expect(updates.first?["x"] as? String == "NEW" && updates.first?["n"] == nil, "no commission, no N/n")
            let trade = try #require(updates.first { $0["x"] as? String == "TRADE" })
            #expect(trade["o"] as? String == "MARKET" && trade["m"] as? Bool == false && trade["N"] as? String == "USDT")
            #expect(shape(mine.first { ($0["o"] as? [String: Any])?["x"] as? String == "TRADE" }!)
                    == shape(parse(try fixture("orderTradeUpdate"))).replacingOccurrences(of: "AP:string,", with: "").replacingOccurrences(of: "cr:string,", with: ""))
            let config = try #require(mine.first { $0["ai"] != nil })
            #expect(shape(config) == shape(parse(try fixture("accountConfigInfo"))))
            #expect((config["ai"] as? [String: Any])?["j"] as? Bool == true)
        }
    }

    @Test("hedge mode: positionSide required, LONG and SHORT positions, switching back when flat")
    func hedgeMode() async throws {
        var config = Self.config
        config.hedgeMode = true
        try await withSimulator(config) { _, port in
            let rest = RawREST(port: port)
            #expect((try await rest.v3("GET", "/fapi/v3/positionSide/dual").json as? [String: Any])?["dualSidePosition"] as? Bool == true)
            #expect(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=1").code == -4061)
            #expect(try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=1&positionSide=LONG&reduceOnly=true").code == -1106)
            let long = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=1&positionSide=LONG")
            #expect((long.json as? [String: Any])?["positionSide"] as? String == "LONG", "\(long.text)")
            let short = try await rest.v3("POST", "/fapi/v3/order", "symbol=LINKUSDT&side=SELL&type=MARKET&quantity=2&positionSide=SHORT&newOrderRespType=RESULT")
            #expect((short.json as? [String: Any])?["status"] as? String == "FILLED", "\(short.text)")
            let risk = try #require(try await rest.v1("GET", "/fapi/v2/positionRisk", "symbol=LINKUSDT").json as? [[String: Any]])
            #expect(risk.map { $0["positionSide"] as? String } == ["LONG", "SHORT"])
            #expect(risk.map { $0["positionAmt"] as? String } == ["1", "-2"])
            #expect(shape(risk) == shape(try restFixture("positionRisk")))
            #expect(try await rest.v1("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=false").code == -4068)
            _ = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=SELL&type=MARKET&quantity=1&positionSide=LONG")
            _ = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=2&positionSide=SHORT")
            let off = try await rest.v1("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=false")
            #expect(shape(off.json) == shape(try restFixture("changeSuccess")), "\(off.text)")
            #expect((try await rest.v1("GET", "/fapi/v1/positionSide/dual").json as? [String: Any])?["dualSidePosition"] as? Bool == false)
        }
    }
}
