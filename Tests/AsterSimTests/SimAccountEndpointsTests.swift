import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

/// `asset/wallet/transfer`, `remainingOpenableNotionalValue`, V3 `noop`, `indexreferences`, the
/// `ORDERS` rate limit and both `batchOrders` encodings, each at the paths the spec gives it.
@Suite("Simulator transfer, notional, noop, index references, order limits", .serialized, .timeLimit(.minutes(3)))
struct SimAccountEndpointsTests {
    static func object(_ answer: RawAnswer) throws -> [String: Any] {
        try #require(answer.json as? [String: Any], "\(answer.text)")
    }

    static func wallet(_ rest: RawREST) async throws -> ExactDecimal? {
        let rows = try #require(try await rest.v1("GET", "/fapi/v2/balance").json as? [[String: Any]])
        return (rows.first { $0["asset"] as? String == "USDT" }?["balance"] as? String).flatMap(ExactDecimal.init)
    }

    /// A V3 call signed by the demo agent with the given nonce.
    static func v3(_ port: Int, _ method: String, _ path: String, _ params: String, nonce: Int64) async throws -> RawAnswer {
        let agent = try AgentSigner(privateKey: Secret(SimAccount.demoSignerKey))
        let message = (params.isEmpty ? "" : params + "&") + "user=\(SimAccount.demoUser)&signer=\(agent.address)&nonce=\(nonce)"
        return try await RawREST(port: port).send(method, path, body: agent.signed(message))
    }

    @Test("transfer: futures ↔ spot moves the wallet, adds a TRANSFER income and an ACCOUNT_UPDATE; the spec's answer and errors")
    func transfer() async throws {
        try await withSimulator(SimConfiguration(seed: 111, rate: 2_000, demoTrader: .off)) { _, port in
            let rest = RawREST(port: port)
            let key = try #require((try await rest.send("POST", "/fapi/v1/listenKey", headers: ["X-MBX-APIKEY": SimAccount.demoAPIKey])
                .json as? [String: Any])?["listenKey"] as? String)
            async let frames = collectFrames(url: "ws://127.0.0.1:\(port)/ws/\(key)", timeout: .seconds(20)) { frames in
                frames.contains { $0.contains(#""m":"WITHDRAW""#) } && frames.contains { $0.contains(#""m":"DEPOSIT""#) }
            }
            try await Task.sleep(for: .milliseconds(500))
            let before = try #require(try await Self.wallet(rest))
            let out = try Self.object(try await rest.v1("POST", "/fapi/v1/asset/wallet/transfer",
                                                         "amount=1500&asset=USDT&clientTranId=t-1&kindType=FUTURE_SPOT"))
            #expect(out["status"] as? String == "SUCCESS" && out["tranId"] is Int, "\(out)")
            #expect(try await Self.wallet(rest) == before - 1500)
            let back = try await rest.v3("POST", "/fapi/v3/asset/wallet/transfer", "amount=500.5&asset=USDT&clientTranId=t-2&kindType=SPOT_FUTURE")
            #expect(back.status == 200)
            #expect(try await Self.wallet(rest) == before - dec("999.5"))
            let income = try #require(try await rest.v1("GET", "/fapi/v1/income", "incomeType=TRANSFER").json as? [[String: Any]])
            #expect(income.suffix(2).map { $0["income"] as? String } == ["-1500", "500.5"], "\(income)")
            let errors: [(String, Int)] = [
                ("amount=1&asset=USDT&clientTranId=t-1&kindType=FUTURE_SPOT", -4115),
                ("amount=0&asset=USDT&clientTranId=t-3&kindType=FUTURE_SPOT", -4055),
                ("amount=1000000&asset=USDT&clientTranId=t-4&kindType=FUTURE_SPOT", -2018),
                ("amount=1000000&asset=USDT&clientTranId=t-5&kindType=SPOT_FUTURE", -2018),
                ("amount=1&asset=USDT&clientTranId=t-6&kindType=SIDEWAYS", -1130),
                ("amount=1&asset=DOGE&clientTranId=t-7&kindType=FUTURE_SPOT", -1130),
                ("amount=1&asset=USDT&kindType=FUTURE_SPOT", -1102),
                ("amount=1&asset=USDT&clientTranId=has%20space&kindType=FUTURE_SPOT", -4114),
            ]
            for (params, code) in errors {
                #expect(try await rest.v1("POST", "/fapi/v1/asset/wallet/transfer", params).code == code, "\(params)")
            }
            #expect(try await Self.wallet(rest) == before - dec("999.5"), "refused transfers move nothing")
            let events = try await frames.compactMap { parse($0) as? [String: Any] }.filter { $0["e"] as? String == "ACCOUNT_UPDATE" }
            let changes = events.compactMap { (($0["a"] as? [String: Any])?["B"] as? [[String: Any]])?.first?["bc"] as? String }
            #expect(changes.contains("-1500") && changes.contains("500.5"), "\(changes)")
        }
    }

    @Test("remainingOpenableNotionalValue (V1): the bracket's cap at the leverage less what is held; errors")
    func remainingNotional() async throws {
        try await withSimulator(SimConfiguration(seed: 112, rate: 2_000, demoTrader: .off)) { server, port in
            server.setPaused(true)
            let rest = RawREST(port: port)
            let empty = try Self.object(try await rest.v1("GET", "/fapi/v1/remainingOpenableNotionalValue", "symbol=LINKUSDT&leverage=20"))
            let cap = try #require(empty["remainingOpenableNotionalValue"] as? NSNumber)
            let brackets = try #require(try await rest.v1("GET", "/fapi/v1/leverageBracket", "symbol=LINKUSDT").json as? [String: Any])
            let rows = try #require(brackets["brackets"] as? [[String: Any]])
            let expected = rows.filter { ($0["initialLeverage"] as? Int ?? 0) >= 20 }.compactMap { $0["notionalCap"] as? NSNumber }.map(\.doubleValue).max()
            #expect(cap.doubleValue == expected, "\(empty) vs \(rows)")
            _ = try await rest.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=10&price=24")
            let less = try Self.object(try await rest.v1("GET", "/fapi/v1/remainingOpenableNotionalValue", "symbol=LINKUSDT&leverage=20"))
            #expect((less["remainingOpenableNotionalValue"] as? NSNumber)?.doubleValue == cap.doubleValue - 240)
            #expect(try await rest.v1("GET", "/fapi/v1/remainingOpenableNotionalValue", "symbol=LINKUSDT").code == -1102)
            #expect(try await rest.v1("GET", "/fapi/v1/remainingOpenableNotionalValue", "symbol=LINKUSDT&leverage=0").code == -4028)
            #expect(try await rest.v3("GET", "/fapi/v3/remainingOpenableNotionalValue", "symbol=LINKUSDT&leverage=5").status == 404,
                    "the V3 document has no such endpoint")
        }
    }

    @Test("noop (V3) takes the nonce: an order with the same nonce after it is refused (-4225); after the order, the noop is")
    func noop() async throws {
        try await withSimulator(SimConfiguration(seed: 113, rate: 2_000, demoTrader: .off)) { _, port in
            let order = "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=24"
            let first = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let noop = try await Self.v3(port, "POST", "/fapi/v3/noop", "", nonce: first)
            #expect(noop.text == #"{"code":200,"msg":"success"}"#)
            let late = try await Self.v3(port, "POST", "/fapi/v3/order", order, nonce: first)
            #expect(late.code == -4225 && late.msg == "Nonce Expired")
            let rest = RawREST(port: port)
            #expect((try await rest.v1("GET", "/fapi/v1/openOrders", "symbol=LINKUSDT").json as? [Any])?.isEmpty == true)
            let placed = try await Self.v3(port, "POST", "/fapi/v3/order", order, nonce: first + 1)
            #expect(placed.status == 200)
            #expect(try await Self.v3(port, "POST", "/fapi/v3/noop", "", nonce: first + 1).code == -4225)
            #expect(try await rest.v1("POST", "/fapi/v1/noop").status == 404, "the V1 document has no noop")
        }
    }

    @Test("indexreferences (V3): the spec's form, weights summing to 1; -1102 without a symbol, -1000 for an unknown one")
    func indexReferences() async throws {
        try await withSimulator(SimConfiguration(seed: 114, rate: 2_000, demoTrader: .off)) { _, port in
            let rest = RawREST(port: port)
            let answer = try Self.object(try await rest.get("/fapi/v3/indexreferences", "symbol=ethusdt"))
            #expect(answer["symbol"] as? String == "ETHUSDT" && answer["time"] is Int)
            let references = try #require(answer["references"] as? [[String: Any]])
            #expect(references.allSatisfy { Set($0.keys) == ["exchange", "symbol", "weight"] && $0["weight"] is String })
            #expect(references.contains { $0["exchange"] as? String == "okex" && $0["symbol"] as? String == "ETH-USDT" })
            let total = references.compactMap { ($0["weight"] as? String).flatMap(ExactDecimal.init) }.reduce(ExactDecimal.zero, +)
            #expect((total - 1).magnitude < dec("0.0001"))
            #expect(try await rest.get("/fapi/v3/indexreferences").code == -1102)
            let unknown = try await rest.get("/fapi/v3/indexreferences", "symbol=NOPEUSDT")
            #expect(unknown.code == -1000 && unknown.msg == "Invalid symbol.")
            #expect(try await rest.get("/fapi/v1/indexreferences", "symbol=BTCUSDT").status == 404)
        }
    }

    @Test("ORDERS limit per account: exchangeInfo lists it, answers carry X-MBX-ORDER-COUNT-*, over it -1015 with 429; TradingClient backs off")
    func orderRateLimit() async throws {
        var config = SimConfiguration(seed: 115, rate: 2_000, demoTrader: .off)
        config.orderRateLimits = [SimOrderRateLimit(interval: .minute, limit: 4), SimOrderRateLimit(interval: .day, limit: 6)]
        config.accounts = [.hmac(apiKey: "bob-key", secret: "bob-secret")]
        try await withSimulator(config) { server, port in
            server.setPaused(true)
            let rest = RawREST(port: port)
            let info = try Self.object(try await rest.get("/fapi/v1/exchangeInfo"))
            let limits = try #require(info["rateLimits"] as? [[String: Any]]).filter { $0["rateLimitType"] as? String == "ORDERS" }
            #expect(limits.map { "\($0["intervalNum"] ?? "")\($0["interval"] ?? ""):\($0["limit"] ?? "")" } == ["1MINUTE:4", "1DAY:6"])
            let order = "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=24"
            let first = try await rest.v1("POST", "/fapi/v1/order", order)
            #expect(first.headers["x-mbx-order-count-1m"] == "1" && first.headers["x-mbx-order-count-1d"] == "1", "\(first.headers)")
            // Both batch encodings the spec shows (JSON, and the V3 example's single quotes); each item counts.
            let item = #"{"symbol":"LINKUSDT","side":"BUY","type":"LIMIT","timeInForce":"GTC","quantity":"1","price":"24"}"#
            let json = try await rest.v1("POST", "/fapi/v1/batchOrders", "batchOrders=" + (("[" + item + "]").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            #expect((json.json as? [[String: Any]])?.first?["status"] as? String == "NEW" && json.headers["x-mbx-order-count-1m"] == "2", "\(json.text)")
            let quoted = "[" + item.replacingOccurrences(of: "\"", with: "'") + "," + item.replacingOccurrences(of: "\"", with: "'") + "]"
            let v3 = try await rest.v3("POST", "/fapi/v3/batchOrders", "batchOrders=" + (quoted.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            #expect((v3.json as? [[String: Any]])?.count == 2 && v3.headers["x-mbx-order-count-1m"] == "4", "\(v3.text)")
            let refused = try await rest.v1("POST", "/fapi/v1/order", order)
            #expect(refused.status == 429 && refused.code == -1015 && refused.msg == "Too many new orders; current limit is 4 orders per MINUTE.",
                    "\(refused.text)")
            #expect((try await rest.v1("GET", "/fapi/v1/openOrders", "symbol=LINKUSDT").json as? [Any])?.count == 4, "the refused order was not placed")
            // Per account: another account still places; reads are not counted.
            let bob = RawREST(port: port, apiKey: "bob-key", secret: "bob-secret")
            let other = try await bob.v1("POST", "/fapi/v1/order", order)
            #expect(other.status == 200 && other.headers["x-mbx-order-count-1m"] == "1")
            #expect(try await rest.v1("GET", "/fapi/v1/openOrders").headers["x-mbx-order-count-1m"] == nil)
            // AsterKit's TradingClient sees the refusal and holds further writes back without sending them.
            let trading = SimTradingHelpers.trading(port, v3: false)
            await #expect(throws: TradingError.self) {
                _ = try await trading.place(.limit("LINKUSDT", .buy, quantity: dec("1"), price: dec("24")))
            }
            let attempts = server.signedAttempts(path: "/fapi/v1/order").filter { $0.method == "POST" }.count
            await #expect(throws: TradingError.self) {
                _ = try await trading.place(.limit("LINKUSDT", .buy, quantity: dec("1"), price: dec("24")))
            }
            #expect(server.signedAttempts(path: "/fapi/v1/order").filter { $0.method == "POST" }.count == attempts)
        }
    }
}
