import AsterTestSupport
import AsterKit
import AsterSim
import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A raw HTTP answer: status, headers, text and parsed JSON.
struct RawAnswer: Sendable {
    var status: Int
    var headers: [String: String]
    var text: String
    /// The body as JSON; `NSNull` when it is not JSON (an expectation fails, the run does not crash).
    var json: Any { (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? NSNull() }
    var code: Int? { (json as? [String: Any])?["code"] as? Int }
    var msg: String? { (json as? [String: Any])?["msg"] as? String }
}

/// Talks to a simulator over plain HTTP, signing as its demo account (V1 HMAC or V3 agent) unless
/// other credentials are given (`user` nil: V3 calls send no `user`).
struct RawREST: Sendable {
    let port: Int
    var apiKey = SimAccount.demoAPIKey
    var secret = SimAccount.demoSecret
    var user: String? = SimAccount.demoUser
    var agentKey = SimAccount.demoSignerKey
    private static let nonce = Mutex<Int64>(0)

    func send(_ method: String, _ path: String, query: String = "", body: String? = nil,
              headers: [String: String] = [:]) async throws -> RawAnswer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)\(query.isEmpty ? "" : "?" + query)")!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { fields["\(k)".lowercased()] = "\(v)" }
        return RawAnswer(status: http.statusCode, headers: fields, text: String(decoding: data, as: UTF8.self))
    }

    func get(_ path: String, _ query: String = "") async throws -> RawAnswer { try await send("GET", path, query: query) }

    /// A V1 SIGNED call: parameters plus `timestamp`, HMAC-signed; in the query for GET, the body otherwise.
    func v1(_ method: String, _ path: String, _ params: String = "") async throws -> RawAnswer {
        let total = (params.isEmpty ? "" : params + "&") + "timestamp=\(Int64(Date().timeIntervalSince1970 * 1000))"
        let signed = HMACSigner(secret: Secret(secret)).signed(total)
        let headers = ["X-MBX-APIKEY": apiKey]
        return method == "GET" ? try await send(method, path, query: signed, headers: headers)
                               : try await send(method, path, body: signed, headers: headers)
    }

    /// A V3 call: parameters plus `user`, `signer` and a fresh `nonce`, signed by the demo agent.
    func v3(_ method: String, _ path: String, _ params: String = "") async throws -> RawAnswer {
        let nonce = Self.nonce.withLock { last in
            last = max(last + 1, Int64(Date().timeIntervalSince1970 * 1_000_000))
            return last
        }
        let agent = try AgentSigner(privateKey: Secret(agentKey))
        let message = (params.isEmpty ? "" : params + "&") + (user.map { "user=\($0)&" } ?? "") + "signer=\(agent.address)&nonce=\(nonce)"
        let signed = try agent.signed(message)
        return method == "GET" ? try await send(method, path, query: signed) : try await send(method, path, body: signed)
    }
}



@Suite("Simulator REST as a real Aster", .serialized, .timeLimit(.minutes(3)))
struct SimRestTests {
    static let config = SimConfiguration(seed: 21, rate: 4_000, warmUpMinutes: 5)

    @Test("every market-data endpoint answers at /fapi/v1 and /fapi/v3 in the spec's shape, key for key and type for type")
    func marketShapes() async throws {
        let cases: [(String, String, String)] = [
            ("ping", "", "ping"), ("time", "", "time"), ("exchangeInfo", "", "exchangeInfo"),
            ("depth", "symbol=BTCUSDT&limit=5", "depth"), ("trades", "symbol=BTCUSDT&limit=10", "trades"),
            ("historicalTrades", "symbol=BTCUSDT&limit=10", "historicalTrades"), ("aggTrades", "symbol=BTCUSDT", "aggTrades"),
            ("klines", "symbol=BTCUSDT&interval=1m", "klines"), ("indexPriceKlines", "pair=BTCUSDT&interval=1m", "indexPriceKlines"),
            ("markPriceKlines", "symbol=BTCUSDT&interval=5m", "markPriceKlines"), ("premiumIndex", "symbol=BTCUSDT", "premiumIndex"),
            ("premiumIndex", "", "premiumIndexAll"), ("fundingRate", "symbol=BTCUSDT", "fundingRate"),
            ("fundingInfo", "", "fundingInfo"), ("ticker/24hr", "symbol=ETHUSDT", "ticker24hr"), ("ticker/24hr", "", "ticker24hrAll"),
            ("ticker/price", "symbol=ETHUSDT", "tickerPrice"), ("ticker/price", "", "tickerPriceAll"),
            ("ticker/bookTicker", "symbol=ETHUSDT", "bookTicker"), ("ticker/bookTicker", "", "bookTickerAll"),
        ]
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            for version in ["v1", "v3"] {
                for (endpoint, query, name) in cases {
                    let answer = try await rest.get("/fapi/\(version)/\(endpoint)", query)
                    #expect(answer.status == 200, "\(version) \(endpoint): \(answer.text.prefix(200))")
                    #expect(shape(answer.json) == shape(try restFixture(name)), "\(version) \(endpoint)?\(query)")
                    if let array = answer.json as? [Any] { #expect(!array.isEmpty, "\(version) \(endpoint) is empty") }
                    #expect(answer.headers["x-mbx-used-weight-1m"] != nil)
                }
            }
            let info = try #require(try await rest.get("/fapi/v3/exchangeInfo").json as? [String: Any])
            let symbols = try #require(info["symbols"] as? [[String: Any]])
            for s in symbols {
                let types = Set((s["filters"] as? [[String: Any]] ?? []).compactMap { $0["filterType"] as? String })
                #expect(types == ["PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "MAX_NUM_ORDERS", "MAX_NUM_ALGO_ORDERS",
                                  "MIN_NOTIONAL", "PERCENT_PRICE"])
            }
            let fundingInfo = try #require(try await rest.get("/fapi/v1/fundingInfo").json as? [[String: Any]])
            let hours = Dictionary(uniqueKeysWithValues: fundingInfo.map { ($0["symbol"] as! String, $0["fundingIntervalHours"] as! Int) })
            #expect(hours["BTCUSDT"] == 8 && hours["ASTERUSDT"] == 4)
            let premium = try #require(try await rest.get("/fapi/v1/premiumIndex", "symbol=ASTERUSDT").json as? [String: Any])
            #expect(premium["nextFundingTime"] as! Int % (4 * 3_600_000) == 0)
            #expect(premium["interestRate"] as? String == "0.00005")
        }
    }

    @Test("parameters are checked with the spec's error codes and messages")
    func parameterErrors() async throws {
        let cases: [(String, String, Int, String?)] = [
            ("depth", "symbol=NOPE", -1121, "Invalid symbol."),
            ("depth", "", -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."),
            ("depth", "symbol=BTCUSDT&limit=7", -1130, "Data sent for parameter 'limit' is not valid."),
            ("klines", "symbol=BTCUSDT&interval=2m", -1120, "Invalid interval."),
            ("klines", "symbol=BTCUSDT", -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed."),
            ("klines", "symbol=BTCUSDT&interval=1m&limit=1501", -1130, nil),
            ("trades", "symbol=BTCUSDT&limit=0", -1130, nil), ("trades", "symbol=BTCUSDT&limit=1001", -1130, nil),
            ("trades", "symbol=BTCUSDT&limit=abc", -1100, nil),
            ("aggTrades", "symbol=BTCUSDT&startTime=10&endTime=5", -1023, "Start time is greater than end time."),
            ("aggTrades", "symbol=BTCUSDT&startTime=0&endTime=3600001", -1127, nil),
            ("indexPriceKlines", "symbol=BTCUSDT&interval=1m", -1102, "Mandatory parameter 'pair' was not sent, was empty/null, or malformed."),
            ("fundingRate", "limit=1001", -1130, nil), ("ticker/price", "symbol=XYZ", -1121, nil),
        ]
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            for (endpoint, query, code, msg) in cases {
                for version in ["v1", "v3"] {
                    let answer = try await rest.get("/fapi/\(version)/\(endpoint)", query)
                    #expect(answer.status == 400 && answer.code == code, "\(version) \(endpoint)?\(query): \(answer.text)")
                    if let msg { #expect(answer.msg == msg) }
                    #expect(shape(answer.json) == "{code:number,msg:string}")
                }
            }
        }
    }

    @Test("request weights follow the spec's tables; over the limit 429 with -1003, then 418 for a client that keeps going")
    func weightsAndBans() async throws {
        // Stay inside one minute window.
        while Int(Date().timeIntervalSince1970) % 60 > 50 { try await Task.sleep(for: .seconds(1)) }
        var config = Self.config
        config.requestWeightLimit = 100
        try await withSimulator(config) { _, port in
            let rest = RawREST(port: port)
            let steps: [(String, String, Int)] = [
                ("ping", "", 1), ("depth", "symbol=BTCUSDT&limit=1000", 21), ("depth", "symbol=BTCUSDT&limit=5", 23),
                ("klines", "symbol=BTCUSDT&interval=1m&limit=1500", 33), ("klines", "symbol=BTCUSDT&interval=1m&limit=99", 34),
                ("ticker/24hr", "", 74), ("ticker/24hr", "symbol=BTCUSDT", 75), ("ticker/price", "", 77),
                ("aggTrades", "symbol=BTCUSDT", 97),
            ]
            for (endpoint, query, used) in steps {
                let answer = try await rest.get("/fapi/v3/\(endpoint)", query)
                #expect(answer.status == 200)
                #expect(answer.headers["x-mbx-used-weight-1m"] == String(used), "\(endpoint)?\(query)")
            }
            for _ in 0..<3 {
                let answer = try await rest.get("/fapi/v1/ticker/24hr")
                #expect(answer.status == 429 && answer.code == -1003, "\(answer.text)")
                #expect(answer.msg?.hasPrefix("Too many requests; current limit is 100 requests per minute.") == true)
                #expect(answer.headers["retry-after"] != nil)
            }
            let banned = try await rest.get("/fapi/v1/ticker/24hr")
            #expect(banned.status == 418 && banned.code == -1003)
            #expect(banned.msg?.hasPrefix("Way too many requests; IP banned until") == true)
            #expect(try await rest.get("/fapi/v1/ping").status == 418)
        }
    }

    @Test("signed account endpoints answer at V1 (HMAC) and V3 (agent) paths in the spec's shapes")
    func accountShapes() async throws {
        try await withSimulator(Self.config) { _, port in
            let rest = RawREST(port: port)
            // A fill first, so trades and income have rows.
            let market = try await rest.v1("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01")
            #expect(market.status == 200, "\(market.text)")
            let cases: [(String, String, String, String)] = [
                ("/fapi/v2/balance", "/fapi/v3/balance", "", "balance"),
                ("/fapi/v4/account", "/fapi/v3/accountWithJoinMargin", "", "account"),
                ("/fapi/v2/positionRisk", "/fapi/v3/positionRisk", "symbol=BTCUSDT", "positionRisk"),
                ("/fapi/v1/allOrders", "/fapi/v3/allOrders", "symbol=BTCUSDT", "allOrders"),
                ("/fapi/v1/userTrades", "/fapi/v3/userTrades", "symbol=BTCUSDT", "userTrades"),
                ("/fapi/v1/income", "/fapi/v3/income", "", "income"),
                ("/fapi/v1/leverageBracket", "/fapi/v3/leverageBracket", "", "leverageBracketAll"),
                ("/fapi/v1/leverageBracket", "/fapi/v3/leverageBracket", "symbol=BTCUSDT", "leverageBracket"),
                ("/fapi/v1/commissionRate", "/fapi/v3/commissionRate", "symbol=BTCUSDT", "commissionRate"),
                ("/fapi/v1/positionSide/dual", "/fapi/v3/positionSide/dual", "", "positionSideDual"),
                ("/fapi/v1/multiAssetsMargin", "/fapi/v3/multiAssetsMargin", "", "multiAssetsMargin"),
            ]
            for (v1, v3, params, name) in cases {
                let expected = shape(withoutTrailingStop(name == "positionRisk" ? try positionRiskExample() : try restFixture(name)))
                let a = try await rest.v1("GET", v1, params)
                #expect(a.status == 200 && shape(withoutTrailingStop(a.json)) == expected, "\(v1): \(a.text.prefix(300))")
                let b = try await rest.v3("GET", v3, params)
                #expect(b.status == 200 && shape(withoutTrailingStop(b.json)) == expected, "\(v3): \(b.text.prefix(300))")
            }
            let missing = try await rest.v1("GET", "/fapi/v1/commissionRate")
            #expect(missing.code == -1102)
            let unknown = try await rest.v3("GET", "/fapi/v3/openOrder", "symbol=BTCUSDT&orderId=1")
            #expect(unknown.code == -2013 && unknown.msg == "Order does not exist.")
        }
    }
}
