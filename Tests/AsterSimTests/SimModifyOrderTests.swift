import AsterKit
import AsterSim
import AsterTestSupport
import Foundation
import Testing

/// `PUT /fapi/v3/order` (Modify Order): the spec's rules, errors and answer; queue priority as
/// exchanges keep it; through raw requests, `TradingClient` (V3; V1 has no such endpoint) and its
/// user events. LINKUSDT with the market paused: only the tests' orders move the book.
@Suite("Simulator PUT order (modify)", .serialized, .timeLimit(.minutes(3)))
struct SimModifyOrderTests {
    static let bob = SimCredential.hmac(apiKey: "bob-key", secret: "bob-secret")

    static func config(seed: UInt64) -> SimConfiguration {
        var c = SimConfiguration(seed: seed, rate: 4_000, demoTrader: .off)
        c.accounts = [bob]
        return c
    }

    static func object(_ answer: RawAnswer) throws -> [String: Any] {
        try #require(answer.json as? [String: Any], "\(answer.text)")
    }

    /// The best bid of LINKUSDT and the quantity resting there.
    static func topBid(_ rest: RawREST) async throws -> (price: ExactDecimal, quantity: ExactDecimal) {
        let depth = try object(try await rest.get("/fapi/v1/depth", "symbol=LINKUSDT&limit=5"))
        let top = try #require((depth["bids"] as? [[String]])?.first)
        return (try #require(ExactDecimal(top[0])), try #require(ExactDecimal(top[1])))
    }

    /// The keys of the spec's Modify Order answer.
    static let specKeys: Set<String> = [
        "orderId", "symbol", "status", "clientOrderId", "price", "avgPrice", "origQty", "executedQty", "cumQty", "cumQuote",
        "timeInForce", "type", "reduceOnly", "closePosition", "side", "positionSide", "stopPrice", "workingType",
        "priceProtect", "origType", "updateTime",
    ]

    @Test("a resting LIMIT order gets a new price and quantity: the spec's answer, the book and GET order follow, the owner hears it")
    func modifies() async throws {
        try await withSimulator(Self.config(seed: 91)) { server, port in
            server.setPaused(true)
            let rest = RawREST(port: port)
            let key = try #require((try await rest.send("POST", "/fapi/v1/listenKey", headers: ["X-MBX-APIKEY": SimAccount.demoAPIKey])
                .json as? [String: Any])?["listenKey"] as? String)
            async let frames = collectFrames(url: "ws://127.0.0.1:\(port)/ws/\(key)", timeout: .seconds(20)) { frames in
                frames.contains { $0.contains(#""c":"mod-1""#) && $0.contains(#""p":"24.4""#) }
            }
            try await Task.sleep(for: .milliseconds(500))
            let placed = try Self.object(try await rest.v3("POST", "/fapi/v3/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=24.300&newClientOrderId=mod-1"))
            let id = try #require(placed["orderId"] as? Int)
            let answer = try await rest.v3("PUT", "/fapi/v3/order", "symbol=LINKUSDT&orderId=\(id)&quantity=2&price=24.400")
            let modified = try Self.object(answer)
            #expect(Set(modified.keys) == Self.specKeys, "\(answer.text)")
            #expect(modified["orderId"] as? Int == id && modified["status"] as? String == "NEW")
            #expect(modified["price"] as? String == "24.4" && modified["origQty"] as? String == "2" && modified["type"] as? String == "LIMIT")
            let queried = try Self.object(try await rest.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)"))
            #expect(queried["price"] as? String == "24.4" && queried["origQty"] as? String == "2")
            let depth = try Self.object(try await rest.get("/fapi/v1/depth", "symbol=LINKUSDT&limit=1000"))
            let bids = (depth["bids"] as? [[String]]) ?? []
            #expect(bids.contains { $0[0] == "24.4" || $0[0] == "24.400" }, "the order rests at its new price")
            #expect(!bids.contains { ($0[0] == "24.3" || $0[0] == "24.300") && $0[1] == "1" }, "nothing is left at the old price")
            let mine = try await frames
            let update = try #require(mine.last { $0.contains(#""c":"mod-1""#) })
            let o = try #require((parse(update) as? [String: Any])?["o"] as? [String: Any])
            #expect(o["x"] as? String == "NEW" && o["X"] as? String == "NEW" && o["q"] as? String == "2" && o["i"] as? Int == id)
        }
    }

    @Test("refusals: both ids missing, price or quantity missing, unknown order, filters (the order stays), non-LIMIT, V1 path")
    func refusals() async throws {
        try await withSimulator(Self.config(seed: 92)) { server, port in
            server.setPaused(true)
            let rest = RawREST(port: port)
            let placed = try Self.object(try await rest.v3("POST", "/fapi/v3/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=24.300&newClientOrderId=keep-1"))
            let id = try #require(placed["orderId"] as? Int)
            let cases: [(String, Int)] = [
                ("symbol=LINKUSDT&quantity=1&price=24.3", -1102),
                ("symbol=LINKUSDT&orderId=\(id)&quantity=1", -1102),
                ("symbol=LINKUSDT&orderId=\(id)&price=24.3", -1102),
                ("symbol=LINKUSDT&orderId=1&quantity=1&price=24.3", -2013),
                ("symbol=LINKUSDT&orderId=\(id)&quantity=1&price=24.3005", -4014),
                ("symbol=LINKUSDT&orderId=\(id)&quantity=1.001&price=24.3", -4023),
                ("symbol=LINKUSDT&orderId=\(id)&quantity=1&price=40", -4016),
                ("symbol=LINKUSDT&orderId=\(id)&quantity=0.1&price=24.3", -4164),
                ("symbol=NOPEUSDT&orderId=\(id)&quantity=1&price=24.3", -1121),
            ]
            for (params, code) in cases {
                let answer = try await rest.v3("PUT", "/fapi/v3/order", params)
                #expect(answer.status == 400 && answer.code == code, "\(params): \(answer.text)")
            }
            let kept = try Self.object(try await rest.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)"))
            #expect(kept["price"] as? String == "24.3" && kept["origQty"] as? String == "1", "refused changes leave the order")
            let stop = try Self.object(try await rest.v3("POST", "/fapi/v3/order",
                "symbol=LINKUSDT&side=SELL&type=STOP&quantity=1&price=23.4&stopPrice=23.5"))
            let stopId = try #require(stop["orderId"] as? Int)
            #expect(try await rest.v3("PUT", "/fapi/v3/order", "symbol=LINKUSDT&orderId=\(stopId)&quantity=1&price=23.6").code == -1020)
            // The V1 document has no Modify Order: a spec-form 404.
            let v1 = try await rest.v1("PUT", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)&quantity=1&price=24.2")
            #expect(v1.status == 404 && v1.code != nil, "\(v1.text)")
        }
    }

    @Test("orderId takes precedence over origClientOrderId; lowering the quantity keeps the queue place, raising it goes to the back")
    func priority() async throws {
        try await withSimulator(Self.config(seed: 93)) { server, port in
            server.setPaused(true)
            let demo = RawREST(port: port)
            let bob = RawREST(port: port, apiKey: "bob-key", secret: "bob-secret")
            let top = try await Self.topBid(demo)
            let price = top.price.description
            let a = try Self.object(try await demo.v3("POST", "/fapi/v3/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=\(price)&newClientOrderId=first"))
            let b = try Self.object(try await demo.v3("POST", "/fapi/v3/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=2&price=\(price)&newClientOrderId=second"))
            let (idA, idB) = (try #require(a["orderId"] as? Int), try #require(b["orderId"] as? Int))
            // Both ids sent: orderId (A) wins; A's quantity goes up, so A goes behind B.
            let up = try Self.object(try await demo.v3("PUT", "/fapi/v3/order",
                "symbol=LINKUSDT&orderId=\(idA)&origClientOrderId=second&quantity=3&price=\(price)"))
            #expect(up["orderId"] as? Int == idA && up["origQty"] as? String == "3")
            // B's quantity goes down: B keeps its place (ahead of A now).
            let down = try Self.object(try await demo.v3("PUT", "/fapi/v3/order",
                "symbol=LINKUSDT&origClientOrderId=second&quantity=1&price=\(price)"))
            #expect(down["orderId"] as? Int == idB && down["origQty"] as? String == "1")
            // Another account sells the flow ahead plus 1: B fills, A does not.
            let sold = try Self.object(try await bob.v1("POST", "/fapi/v1/order",
                "symbol=LINKUSDT&side=SELL&type=LIMIT&timeInForce=IOC&quantity=\(top.quantity + 1)&price=\(price)&newOrderRespType=RESULT"))
            #expect(sold["status"] as? String == "FILLED", "\(sold)")
            let afterA = try Self.object(try await demo.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(idA)"))
            let afterB = try Self.object(try await demo.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(idB)"))
            #expect(afterB["status"] as? String == "FILLED" && afterA["status"] as? String == "NEW" && afterA["executedQty"] as? String == "0")
        }
    }

    @Test("TradingClient.modify: V3 changes the order; a V1 client refuses locally (V1 documents no modify) and sends nothing")
    func tradingClient() async throws {
        try await withSimulator(Self.config(seed: 94)) { server, port in
            server.setPaused(true)
            let v3 = SimTradingHelpers.trading(port, v3: true)
            let placed = try await v3.place(.limit("LINKUSDT", .buy, quantity: dec("1"), price: dec("24.3"), clientOrderId: "tc-mod"))
            let modified = try await v3.modify(symbol: "LINKUSDT", clientOrderId: "tc-mod", side: .buy, quantity: dec("2"), price: dec("24.2"))
            #expect(modified.orderId == placed.orderId && modified.price == dec("24.2") && modified.originalQuantity == dec("2"))
            let v1 = SimTradingHelpers.trading(port, v3: false)
            do {
                _ = try await v1.modify(symbol: "LINKUSDT", orderId: placed.orderId, side: .buy, quantity: dec("3"), price: dec("24.1"))
                Issue.record("a V1 modify went through")
            } catch let error as TradingError {
                guard case .unsupported(let reason) = error else { Issue.record("not a local refusal: \(error)"); return }
                #expect(reason.contains("V3"))
            }
            let now = try await v3.order(symbol: "LINKUSDT", clientOrderId: "tc-mod")
            #expect(now.price == dec("24.2") && now.originalQuantity == dec("2"))
        }
    }
}

/// TradingClients on a simulator's demo account, V1 (HMAC) or V3 (the demo agent).
enum SimTradingHelpers {
    static func trading(_ port: Int, v3: Bool) -> TradingClient {
        let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)", configuration: RESTConfiguration(maxRetries: 0))
        let credentials: Credentials = v3
            ? .agent(user: SimAccount.demoUser, signer: SimAccount.demoSigner, privateKey: Secret(SimAccount.demoSignerKey))
            : .hmac(apiKey: SimAccount.demoAPIKey, secret: Secret(SimAccount.demoSecret))
        return TradingClient(account: AccountClient(rest: rest, credentials: credentials))
    }
}
