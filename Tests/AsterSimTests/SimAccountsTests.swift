import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

/// The simulator as an exchange with many accounts: each credential opens its own account, client
/// limit orders rest in the public book with price-time priority, and one account's user stream
/// never carries another's events. LINKUSDT: the demo trader keeps to the first four symbols.
@Suite("Simulator accounts and the book", .serialized, .timeLimit(.minutes(3)))
struct SimAccountsTests {
    static let alice = SimCredential.hmac(apiKey: "alice-key", secret: "alice-secret")
    static let bob = SimCredential.hmac(apiKey: "bob-key", secret: "bob-secret")

    static func config(trader: SimTraderPlacement = .off) -> SimConfiguration {
        var c = SimConfiguration(seed: 71, rate: 4_000, demoTrader: trader)
        c.accounts = [alice, bob]
        return c
    }

    static func dec(_ any: Any?) -> ExactDecimal? { (any as? String).flatMap { ExactDecimal($0) } }

    static func object(_ answer: RawAnswer) throws -> [String: Any] {
        try #require(answer.json as? [String: Any], "\(answer.text)")
    }

    static func list(_ answer: RawAnswer) throws -> [[String: Any]] {
        try #require(answer.json as? [[String: Any]], "\(answer.text)")
    }

    @Test("two accounts at one price level: the book shows both, fills go in queue order, each sees only its own")
    func queuePriority() async throws {
        try await withSimulator(Self.config()) { server, port in
            server.setPaused(true)   // no flow: the book moves only with the accounts' orders
            let alice = RawREST(port: port, apiKey: "alice-key", secret: "alice-secret")
            let bob = RawREST(port: port, apiKey: "bob-key", secret: "bob-secret")
            let taker = RawREST(port: port)   // the demo account
            let before = try Self.object(try await taker.get("/fapi/v1/depth", "symbol=LINKUSDT&limit=5"))
            let top = try #require((before["bids"] as? [[String]])?.first)
            let (price, flowAhead) = (top[0], try #require(ExactDecimal(top[1])))

            let placedA = try Self.object(try await alice.v1("POST", "/fapi/v1/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=\(price)&newClientOrderId=alice-1"))
            let placedB = try Self.object(try await bob.v1("POST", "/fapi/v1/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=2&price=\(price)&newClientOrderId=bob-1"))
            #expect(placedA["status"] as? String == "NEW" && placedB["status"] as? String == "NEW")
            let (idA, idB) = (try #require(placedA["orderId"] as? Int), try #require(placedB["orderId"] as? Int))

            // The book shows both, behind the flow's liquidity: depth and book ticker.
            let during = try Self.object(try await taker.get("/fapi/v1/depth", "symbol=LINKUSDT&limit=5"))
            let level = try #require((during["bids"] as? [[String]])?.first)
            #expect(level[0] == price && ExactDecimal(level[1]) == flowAhead + 3)
            let ticker = try Self.object(try await taker.get("/fapi/v1/ticker/bookTicker", "symbol=LINKUSDT"))
            #expect(ticker["bidPrice"] as? String == price && Self.dec(ticker["bidQty"]) == flowAhead + 3)

            // Each account sees only its own orders.
            #expect(try Self.list(try await alice.v1("GET", "/fapi/v1/openOrders")).map { $0["orderId"] as? Int } == [idA])
            #expect(try Self.list(try await bob.v1("GET", "/fapi/v1/openOrders")).map { $0["orderId"] as? Int } == [idB])
            #expect(try Self.list(try await taker.v1("GET", "/fapi/v1/openOrders")).isEmpty)

            // A seller takes the flow ahead, then Alice (first in the queue), then half of Bob.
            let sold = try Self.object(try await taker.v1("POST", "/fapi/v1/order",
                "symbol=LINKUSDT&side=SELL&type=LIMIT&timeInForce=IOC&quantity=\(flowAhead + 2)&price=\(price)&newOrderRespType=RESULT"))
            #expect(sold["status"] as? String == "FILLED" && Self.dec(sold["executedQty"]) == flowAhead + 2, "\(sold)")
            let a = try Self.object(try await alice.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(idA)"))
            let b = try Self.object(try await bob.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(idB)"))
            #expect(a["status"] as? String == "FILLED" && Self.dec(a["executedQty"]) == 1)
            #expect(b["status"] as? String == "PARTIALLY_FILLED" && Self.dec(b["executedQty"]) == 1)
            // Queries of another account's order find nothing.
            #expect(try await bob.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(idA)").code == -2013)

            // Fills: each account only its own, the resting ones as makers at the level's price.
            for (client, id) in [(alice, idA), (bob, idB)] {
                let trades = try Self.list(try await client.v1("GET", "/fapi/v1/userTrades", "symbol=LINKUSDT"))
                #expect(trades.count == 1 && trades[0]["orderId"] as? Int == id && trades[0]["maker"] as? Bool == true)
                #expect(trades[0]["price"] as? String == price && Self.dec(trades[0]["qty"]) == 1)
                let risk = try Self.list(try await client.v1("GET", "/fapi/v2/positionRisk", "symbol=LINKUSDT"))
                #expect(Self.dec(risk.first?["positionAmt"]) == 1)
            }
            let takerTrades = try Self.list(try await taker.v1("GET", "/fapi/v1/userTrades", "symbol=LINKUSDT"))
            #expect(takerTrades.allSatisfy { $0["maker"] as? Bool == false && $0["side"] as? String == "SELL" })
            let takerRisk = try Self.list(try await taker.v1("GET", "/fapi/v2/positionRisk", "symbol=LINKUSDT"))
            #expect(Self.dec(takerRisk.first?["positionAmt"]) == -(flowAhead + 2))

            // Bob's rest is all that is left at the level; the trade printed on the public tape.
            let after = try Self.object(try await taker.get("/fapi/v1/depth", "symbol=LINKUSDT&limit=5"))
            let left = try #require((after["bids"] as? [[String]])?.first)
            #expect(left[0] == price && ExactDecimal(left[1]) == 1)
            let tape = try Self.list(try await taker.get("/fapi/v1/aggTrades", "symbol=LINKUSDT&limit=1"))
            #expect(tape.first?["p"] as? String == price && tape.first?["m"] as? Bool == true
                    && Self.dec(tape.first?["q"]) == flowAhead + 2)
        }
    }

    @Test("a resting client order fills only as the market's takers reach it: as a maker, at its own price")
    func flowFillsInQueueOrder() async throws {
        try await withSimulator(Self.config()) { server, port in
            let alice = RawREST(port: port, apiKey: "alice-key", secret: "alice-secret")
            let ticker = try Self.object(try await alice.get("/fapi/v1/ticker/bookTicker", "symbol=LINKUSDT"))
            let price = try #require(ticker["bidPrice"] as? String)
            let placed = try Self.object(try await alice.v1("POST", "/fapi/v1/order",
                "symbol=LINKUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.5&price=\(price)"))
            let id = try #require(placed["orderId"] as? Int)
            // No fill at placing (it joined the bid); the flow's sellers fill it when they reach it.
            #expect(placed["status"] as? String == "NEW" && Self.dec(placed["executedQty"]) == 0)
            try await waitUntil(timeout: .seconds(60)) {
                let o = try Self.object(try await alice.v1("GET", "/fapi/v1/order", "symbol=LINKUSDT&orderId=\(id)"))
                return o["status"] as? String != "NEW"
            }
            let trades = try Self.list(try await alice.v1("GET", "/fapi/v1/userTrades", "symbol=LINKUSDT"))
            #expect(!trades.isEmpty && trades.allSatisfy { $0["maker"] as? Bool == true && $0["price"] as? String == price })
            let account = try #require(server.accountId(apiKey: "alice-key"))
            #expect(server.accountSnapshot(account)?.trades.count == trades.count)
        }
    }

    @Test("each account's user stream carries only its own events; the demo trader's never reach a client")
    func userStreamsApart() async throws {
        try await withSimulator(Self.config(trader: .ownAccount)) { server, port in
            let clients = [("alice", RawREST(port: port, apiKey: "alice-key", secret: "alice-secret")),
                           ("bob", RawREST(port: port, apiKey: "bob-key", secret: "bob-secret")),
                           ("demo", RawREST(port: port))]
            var keys: [String] = []
            for (_, client) in clients {
                let made = try Self.object(try await client.send("POST", "/fapi/v1/listenKey", headers: ["X-MBX-APIKEY": client.apiKey]))
                keys.append(try #require(made["listenKey"] as? String))
            }
            #expect(Set(keys).count == 3)
            let listenKeys = keys
            let names = clients.map { $0.0 }
            async let streams = withThrowingTaskGroup(of: (Int, [String]).self, returning: [[String]].self) { group in
                for (i, key) in listenKeys.enumerated() {
                    let end = "\(names[i])-end"
                    group.addTask {
                        (i, try await collectFrames(url: "ws://127.0.0.1:\(port)/ws/\(key)", timeout: .seconds(60)) { frames in
                            frames.contains { $0.contains(#""c":"\#(end)""#) && $0.contains(#""X":"FILLED""#) }
                        })
                    }
                }
                var out = [[String]](repeating: [], count: listenKeys.count)
                for try await (i, frames) in group { out[i] = frames }
                return out
            }
            try await waitUntil { server.openConnections == 3 }
            for (name, client) in clients.prefix(2) {
                let r = try await client.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=1&newClientOrderId=\(name)-1")
                #expect(r.status == 200, "\(r.text)")
            }
            // The demo trader trades meanwhile, in its own account.
            let traderId = try #require(server.demoTraderAccount)
            try await waitUntil(timeout: .seconds(30)) {
                guard let t = server.accountSnapshot(traderId) else { return false }
                return t.orders.count + t.closedOrders.count >= 3
            }
            for (name, client) in clients {
                let r = try await client.v1("POST", "/fapi/v1/order", "symbol=LINKUSDT&side=SELL&type=MARKET&quantity=1&newClientOrderId=\(name)-end")
                #expect(r.status == 200, "\(r.text)")
            }
            let frames = try await streams
            for (i, (name, _)) in clients.enumerated() {
                let orderIds = frames[i].compactMap { frame -> String? in
                    guard let o = (try? JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: Any])?["o"] as? [String: Any] else { return nil }
                    return o["c"] as? String
                }
                let own: Set<String> = name == "demo" ? ["demo-end"] : ["\(name)-1", "\(name)-end"]
                #expect(!orderIds.isEmpty && Set(orderIds).isSubset(of: own), "\(name): \(Set(orderIds))")
            }
            #expect(server.accountSnapshot.orders.isEmpty && server.accountSnapshot.trades.allSatisfy { $0.symbol == "LINKUSDT" })
        }
    }

    @Test("V3: a registered signer opens its own account; `user` optional, a wrong one refused (-2015); unknown signers refused")
    func agents() async throws {
        let key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
        let stranger = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"
        let signer = try AgentSigner(privateKey: Secret(key)).address
        let user = "0x1111111111111111111111111111111111111111"
        var config = Self.config()
        config.accounts.append(.agent(user: user, signer: signer))
        try await withSimulator(config) { server, port in
            let agent = RawREST(port: port, user: nil, agentKey: key)
            let bought = try Self.object(try await agent.v3("POST", "/fapi/v3/order", "symbol=LINKUSDT&side=BUY&type=MARKET&quantity=2&newOrderRespType=RESULT"))
            #expect(bought["status"] as? String == "FILLED")
            let mine = try Self.list(try await RawREST(port: port, user: user, agentKey: key).v3("GET", "/fapi/v3/positionRisk", "symbol=LINKUSDT"))
            #expect(Self.dec(mine.first?["positionAmt"]) == 2)
            let id = try #require(server.accountId(user: user))
            #expect(id != 0 && server.accountSnapshot(id)?.position("LINKUSDT").amount == 2)
            // The demo account (the spec's demonstration wallet) is another account; it needs no `user` either.
            let demo = try Self.list(try await RawREST(port: port, user: nil).v3("GET", "/fapi/v3/positionRisk", "symbol=LINKUSDT"))
            #expect(Self.dec(demo.first?["positionAmt"]) == 0)
            let wrongUser = try await RawREST(port: port, user: SimAccount.demoUser, agentKey: key).v3("GET", "/fapi/v3/balance")
            #expect(wrongUser.status == 401 && wrongUser.code == -2015)
            let unknown = try await RawREST(port: port, user: nil, agentKey: stranger).v3("GET", "/fapi/v3/balance")
            #expect(unknown.status == 401 && unknown.code == -2015)
        }
    }

    @Test("maximum notionals follow the brackets at the account's leverage: positionRisk, account and the leverage answer")
    func maxNotionals() async throws {
        try await withSimulator(Self.config()) { _, port in
            let rest = RawREST(port: port)
            for (leverage, cap) in [(10, "20000000"), (20, "10000000"), (25, "1000000"), (75, "250000"), (125, "50000")] {
                let answer = try Self.object(try await rest.v1("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=\(leverage)"))
                #expect(answer["maxNotionalValue"] as? String == cap, "\(leverage)")
                let risk = try Self.list(try await rest.v1("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT"))
                #expect(risk.first?["maxNotionalValue"] as? String == cap && risk.first?["leverage"] as? String == "\(leverage)")
                let account = try Self.object(try await rest.v1("GET", "/fapi/v4/account"))
                let row = (account["positions"] as? [[String: Any]])?.first { $0["symbol"] as? String == "BTCUSDT" }
                #expect(row?["maxNotional"] as? String == cap, "\(leverage)")
            }
            // Another account's leverage is its own.
            let other = try Self.list(try await RawREST(port: port, apiKey: "bob-key", secret: "bob-secret")
                .v1("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT"))
            #expect(other.first?["leverage"] as? String == "20" && other.first?["maxNotionalValue"] as? String == "10000000")
        }
    }
}
