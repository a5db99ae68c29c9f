import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Testing

/// Unknown paths, parameter precedence, the V3 spec's `batchOrders` form and stream-name case.
@Suite("Simulator edges: unknown paths, query precedence, batchOrders forms, stream name case", .serialized, .timeLimit(.minutes(2)))
struct SimEdgeTests {
    static let config = SimConfiguration(seed: 75, rate: 4_000, demoTrader: .off)

    @Test("a path the spec does not document answers 404 with the spec's error object")
    func notFound() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            for path in ["/fapi/v1/nothingHere", "/fapi/v9/order", "/"] {
                let answer = try await rest.get(path)
                #expect(answer.status == 404 && answer.code == -1000 && answer.msg?.contains(path) == true, "\(path): \(answer.text)")
            }
        }
    }

    @Test("a parameter sent in both the query string and the body takes the query string's value")
    func queryWins() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            let query = "symbol=LINKUSDT"
            let body = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1&timestamp=\(Int64(Date().timeIntervalSince1970 * 1000))"
            let signature = HMACSigner(secret: Secret(SimAccount.demoSecret)).signature(for: query + body)
            let answer = try await rest.send("POST", "/fapi/v1/order", query: query, body: body + "&signature=\(signature)",
                                             headers: ["X-MBX-APIKEY": SimAccount.demoAPIKey])
            #expect((answer.json as? [String: Any])?["symbol"] as? String == "LINKUSDT", "\(answer.text)")
        }
    }

    @Test("POST /fapi/v3/batchOrders takes the V3 spec's own example form (single quotes)")
    func batchOrdersSpecForm() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            let premium = try #require(try await rest.get("/fapi/v1/premiumIndex", "symbol=LINKUSDT").json as? [String: Any])
            let price = String(format: "%.3f", (Double(premium["markPrice"] as? String ?? "") ?? 0) * 0.95)
            let item = "{'symbol':'LINKUSDT','type':'LIMIT','side':'BUY','timeInForce':'GTC','quantity':'1','price':'\(price)'}"
            let answer = try await rest.v3("POST", "/fapi/v3/batchOrders", "batchOrders=[\(item),\(item)]")
            let orders = try #require(answer.json as? [[String: Any]], "\(answer.text)")
            #expect(orders.count == 2 && orders.allSatisfy { $0["status"] as? String == "NEW" }, "\(answer.text)")
        }
    }

    @Test("a stream named with an upper-case symbol delivers (BTCUSDT@aggTrade is btcusdt@aggTrade)")
    func streamNameCase() async throws {
        try await withSimulator(SimConfiguration(seed: 75, rate: 20_000, demoTrader: .off)) { _, port in
            let frames = try await collectFrames(url: "ws://127.0.0.1:\(port)/ws/LINKUSDT@aggTrade", timeout: .seconds(20)) { $0.count >= 2 }
            #expect(frames.count >= 2 && frames.allSatisfy { $0.contains(#""s":"LINKUSDT""#) })
            let live = try await collectFrames(url: "ws://127.0.0.1:\(port)/ws",
                                               send: [#"{"method":"SUBSCRIBE","params":["LINKUSDT@aggTrade"],"id":1}"#],
                                               timeout: .seconds(20)) { $0.count >= 3 }
            #expect(live.count >= 3 && live.dropFirst().allSatisfy { $0.contains(#""e":"aggTrade""#) })
        }
    }
}
